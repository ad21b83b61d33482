/** Runs the real gateway entry point (Bun or Node) as a child process on a free port. */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { freePort, waitUntil } from './ports.ts';

export type Runtime = 'bun' | 'node';

export type GatewayProcess = {
  url: string;
  port: number;
  pid: number;
  /** Everything the process wrote to stdout and stderr so far. */
  output: () => string;
  /** Sends a signal and waits for the exit code. */
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
  exited: Promise<number | null>;
};

const ROOT = new URL('../../', import.meta.url).pathname;
const ENTRY: Record<Runtime, string[]> = {
  bun: [join(ROOT, 'node_modules/.bin/bun'), join(ROOT, 'src/runtime/bun.ts')],
  node: [realNode(), '--import', 'tsx', join(ROOT, 'src/runtime/node.ts')],
};

/**
 * Under `bun test`, `node` on PATH may be Bun itself (oven-sh/bun#3361): pick the first
 * candidate that proves to be Node by having no `Bun` global.
 */
export function realNode(): string {
  const candidates = (process.env.PATH ?? '')
    .split(delimiter)
    .map((dir) => join(dir, 'node'))
    .concat(['/usr/bin/node', '/usr/local/bin/node']);
  for (const candidate of candidates) {
    if (!existsSync(candidate)) continue;
    try {
      const kind = execFileSync(candidate, ['-e', 'process.stdout.write(typeof Bun)'], {
        encoding: 'utf8',
        timeout: 10_000,
      });
      if (kind === 'undefined') return candidate;
    } catch {
      // not runnable; try the next one
    }
  }
  throw new Error('no real Node.js found on PATH');
}

export async function startGateway(
  runtime: Runtime,
  env: Record<string, string>,
): Promise<GatewayProcess> {
  const port = await freePort();
  const [command, ...args] = ENTRY[runtime] as [string, ...string[]];
  const child: ChildProcess = spawn(command, args, {
    cwd: ROOT,
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  // With TLS_CERT_FILE the gateway speaks only HTTPS: probe it so, trusting that certificate.
  const ca = env.TLS_CERT_FILE === undefined ? undefined : readFileSync(env.TLS_CERT_FILE, 'utf8');
  const url = `${ca === undefined ? 'http' : 'https'}://127.0.0.1:${port}`;
  const probe = () => fetch(`${url}/livez`, ca === undefined ? {} : { tls: { ca } });
  try {
    await waitUntil(async () => (await probe()).ok, 20_000, `${runtime} gateway`);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`gateway did not start: ${String(error)}\n${output}`);
  }
  return {
    url,
    port,
    pid: child.pid as number,
    output: () => output,
    exited,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}
