// Runs a throwaway redis-server on a free loopback port, never the machine's shared one.
import type { ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { freePort } from '../../src/demo/child-process.ts';
import { spawnServer, stopChild } from './children.ts';
import { waitFor } from './wait.ts';

export type RedisHandle = { port: number; url: string; pid: number; stop: () => Promise<void> };

/** Starts redis-server without persistence and resolves once it answers PING. */
export async function startRedis(workDir: string): Promise<RedisHandle> {
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
  const child: ChildProcess = spawnServer('redis-server', args, {
    env: process.env,
    cwd: workDir,
    logFile: `${workDir}/redis.log`,
  });
  const url = `redis://127.0.0.1:${port}`;
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0 });
  // Refused connections while redis-server boots are expected; the PING deadline decides.
  client.on('error', () => undefined);
  try {
    await waitFor(
      'redis-server answering PING',
      async () => {
        if (client.status !== 'ready') await client.connect();
        return (await client.ping()) === 'PONG';
      },
      10_000,
    );
  } finally {
    client.disconnect();
  }
  return { port, url, pid: child.pid ?? 0, stop: () => stopChild(child) };
}
