/** Starts a private redis-server on a free port for one test file; never the shared 6379. */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort, waitUntil } from './ports.ts';
import { killAndWait, redisArgs } from './processes.ts';

export type RedisServer = {
  port: number;
  url: string;
  /** A client for the test itself (publishing, trimming, ...). */
  client: Redis;
  /** Kills the server (SIGKILL, like a crash) and waits for it to exit. */
  kill: () => Promise<void>;
  /** Starts it again on the same port: empty, or with its data when `persistent`. */
  restart: () => Promise<void>;
  stop: () => Promise<void>;
};

export type RedisOptions = {
  /**
   * Keep data across kill()/restart() in an append-only file synced on every write, in a
   * temp directory removed by stop(). Off by default: a restart comes back empty.
   */
  persistent?: boolean;
};

export async function startRedis(options: RedisOptions = {}): Promise<RedisServer> {
  const port = await freePort();
  const dir = options.persistent ? mkdtempSync(join(tmpdir(), 'sse-gateway-redis-')) : undefined;
  const persistence =
    dir === undefined
      ? ['--appendonly', 'no']
      : ['--appendonly', 'yes', '--appendfsync', 'always', '--dir', dir];
  let child: ChildProcess | undefined;
  const launch = async () => {
    child = spawn('redis-server', redisArgs(port, persistence), { stdio: 'ignore' });
    const probe = new Redis({
      host: '127.0.0.1',
      port,
      lazyConnect: true,
      retryStrategy: () => null,
    });
    probe.on('error', () => {}); // refused until the server is up; that is what we wait for
    await waitUntil(
      async () => {
        if (probe.status !== 'ready') await probe.connect();
        return (await probe.ping()) === 'PONG';
      },
      10_000,
      `redis-server on port ${port}`,
    );
    probe.disconnect();
  };
  const kill = () => killAndWait(child);
  await launch();
  const client = new Redis({ host: '127.0.0.1', port, maxRetriesPerRequest: 3 });
  client.on('error', () => {}); // refused while a test has killed the server; it reconnects
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    client,
    kill,
    restart: launch,
    stop: async () => {
      client.disconnect();
      await kill();
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** `XADD key * json <payload> [symbol S]`, returning the new entry's ID. */
export async function publish(
  redis: Redis,
  key: string,
  payload: unknown,
  symbol?: string,
): Promise<string> {
  const json = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const fields = symbol === undefined ? ['json', json] : ['json', json, 'symbol', symbol];
  return (await redis.xadd(key, '*', ...fields)) as string;
}
