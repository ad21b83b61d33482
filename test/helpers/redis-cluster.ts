/** A private 3-master Redis Cluster on free loopback ports, for one test file. */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Cluster } from 'ioredis';
import { freePort, waitUntil } from './ports.ts';
import { killAndWait, redisArgs } from './processes.ts';

const run = promisify(execFile);

export type RedisCluster = {
  nodes: string[];
  /** A cluster client for the test itself. */
  client: Cluster;
  stop: () => Promise<void>;
};

export async function startRedisCluster(masters = 3): Promise<RedisCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'sse-cluster-'));
  const ports: number[] = [];
  const children: ChildProcess[] = [];
  for (let i = 0; i < masters; i++) {
    // Cluster nodes also listen on port + 10000 for their bus: both must be free.
    let port = await freePort();
    while (port > 55_000) port = await freePort();
    ports.push(port);
    const args = redisArgs(port, [
      '--appendonly',
      'no',
      '--cluster-enabled',
      'yes',
      '--cluster-config-file',
      join(dir, `nodes-${port}.conf`),
      '--dir',
      dir,
    ]);
    children.push(spawn('redis-server', args, { stdio: 'ignore' }));
  }
  for (const port of ports) {
    await waitUntil(
      async () => (await run('redis-cli', ['-p', String(port), 'PING'])).stdout.includes('PONG'),
      10_000,
      `node ${port}`,
    );
  }
  const nodes = ports.map((port) => `127.0.0.1:${port}`);
  await run('redis-cli', [
    '--cluster',
    'create',
    ...nodes,
    '--cluster-replicas',
    '0',
    '--cluster-yes',
  ]);
  for (const port of ports) {
    await waitUntil(
      async () =>
        (await run('redis-cli', ['-p', String(port), 'CLUSTER', 'INFO'])).stdout.includes(
          'cluster_state:ok',
        ),
      20_000,
      `cluster state ok on ${port}`,
    );
  }
  const client = new Cluster(ports.map((port) => ({ host: '127.0.0.1', port })));
  return {
    nodes,
    client,
    stop: async () => {
      client.disconnect();
      await Promise.all(children.map(killAndWait));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
