/** A private redis-server on a free 127.0.0.1 port, for the demo and for tests. */
import type { ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GatewayError } from '../errors.ts';
import { exited, freePort, spawnChild, stopChild } from './child-process.ts';

export type RedisServer = {
  readonly url: string;
  readonly port: number;
  readonly process: ChildProcess;
  stop(): Promise<void>;
};

/** Finds `redis-server` on PATH; undefined when it is not installed. */
export function findRedisServer(): string | undefined {
  const dirs = (process.env.PATH ?? '').split(':').filter(Boolean);
  for (const dir of dirs) {
    const candidate = join(dir, 'redis-server');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory; keep looking
    }
  }
  return undefined;
}

/**
 * Starts redis-server without persistence in a temporary directory. A port picked by
 * `freePort` can be taken by someone else before redis binds it, so a failed bind is retried.
 */
export async function startRedisServer(options: { timeoutMs?: number } = {}): Promise<RedisServer> {
  const binary = findRedisServer();
  if (!binary) {
    throw new GatewayError(
      'invalid_config',
      'redis-server is not installed: install it ' +
        '(apt-get install redis-server) or set REDIS_URL to a Redis you may write to.',
    );
  }
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(binary, await freePort(), options.timeoutMs ?? 10_000);
    } catch (error) {
      lastError = error;
    }
  }
  throw new GatewayError('internal', 'redis-server did not start; see its log above.', {
    cause: lastError,
  });
}

async function startOnce(binary: string, port: number, timeoutMs: number): Promise<RedisServer> {
  const dir = mkdtempSync(join(tmpdir(), 'sse-demo-redis-'));
  const log: string[] = [];
  let ready: () => void = () => {};
  const readyLine = new Promise<void>((resolve) => (ready = resolve));
  const child = spawnChild(
    binary,
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
      '--daemonize',
      'no',
    ],
    {
      onLine: (line) => {
        if (log.length < 50) log.push(line);
        if (line.includes('Ready to accept connections')) ready();
      },
    },
  );
  const cleanup = (): void => rmSync(dir, { recursive: true, force: true });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const outcome = await Promise.race([
    readyLine.then(() => 'ready' as const),
    exited(child).then(() => 'exited' as const),
    new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs))),
  ]);
  clearTimeout(timer);
  if (outcome !== 'ready') {
    await stopChild(child);
    cleanup();
    throw new GatewayError(
      'internal',
      `redis-server on port ${port} ${outcome}: ` + log.slice(-3).join(' | '),
    );
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    process: child,
    async stop() {
      await stopChild(child);
      cleanup();
    },
  };
}
