/** Runs the gateway's Bun entry point as a child process, as an operator would start it. */
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { GatewayError } from '../errors.ts';
import { spawnChild, stopChild, waitFor } from './child-process.ts';

export const REPO_ROOT = join(import.meta.dirname, '..', '..');
export const GATEWAY_ENTRY = join(REPO_ROOT, 'src', 'runtime', 'bun.ts');

export type GatewayProcess = {
  readonly url: string;
  readonly process: ChildProcess;
  /** SIGTERM (a graceful drain), SIGKILL after `graceMs`; or `signal` instead, e.g. SIGKILL. */
  stop(graceMs?: number, signal?: NodeJS.Signals): Promise<void>;
};

export type GatewayOptions = {
  port: number;
  host?: string;
  /** Extra environment: REDIS_URL, STREAM_PREFIX, STREAMS, HEARTBEAT_MS ... */
  env: Record<string, string>;
  onLine?: (line: string) => void;
  readyTimeoutMs?: number;
};

/** The repository's pinned Bun, falling back to the running Bun. */
export function bunBinary(): string {
  const pinned = join(REPO_ROOT, 'node_modules', '.bin', 'bun');
  return existsSync(pinned) ? pinned : process.execPath;
}

/** Spawns the gateway and resolves once `/health` answers 200. */
export async function startGateway(options: GatewayOptions): Promise<GatewayProcess> {
  if (!existsSync(GATEWAY_ENTRY)) {
    throw new GatewayError(
      'invalid_config',
      `The gateway entry point ${GATEWAY_ENTRY} ` + 'does not exist yet; update this checkout.',
    );
  }
  const host = options.host ?? '127.0.0.1';
  const child = spawnChild(bunBinary(), [GATEWAY_ENTRY], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...options.env, PORT: String(options.port), HOST: host },
    ...(options.onLine ? { onLine: options.onLine } : {}),
  });
  // A wildcard listen address is reached through loopback.
  const reachable = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  const url = `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${options.port}`;
  const stop = (graceMs?: number, signal?: NodeJS.Signals): Promise<void> =>
    stopChild(child, graceMs, signal);
  try {
    await waitFor(
      'the gateway to answer /health with 200',
      async () => {
        if (child.exitCode !== null || child.signalCode !== null) {
          throw new GatewayError(
            'internal',
            `The gateway exited early (${
              child.exitCode ?? child.signalCode
            }); see its output above.`,
          );
        }
        const health = await fetch(`${url}/health`).catch(() => undefined);
        await health?.body?.cancel();
        return health?.status === 200;
      },
      options.readyTimeoutMs ?? 20_000,
      100,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, process: child, stop };
}
