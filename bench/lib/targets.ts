// The servers under test: the gateway on Bun and on Node, the Express baseline, and nchan.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawnServer, stopChild } from './children.ts';
import type { TargetName } from './config.ts';
import { freePort } from '../../src/demo/child-process.ts';
import { processTree } from './proc-stats.ts';
import { startNchan, nchanMissing } from './nchan.ts';
import { httpGet, waitFor } from './wait.ts';

export type Running = {
  /** Every process that serves the stream (the server's tree, plus a feeder where one runs). */
  pids: () => number[];
  port: number;
  path: string;
  event: string;
  /** The server's own count of clients, where it has one. */
  clients: () => Promise<number | undefined>;
  stop: () => Promise<void>;
};

export type StartContext = { root: string; workDir: string; redisUrl: string; maxClients: number };

export type TargetSpec = {
  name: TargetName;
  label: string;
  /** Why this target cannot run here, or undefined when it can. */
  missing: (root: string) => string | undefined;
  start: (ctx: StartContext) => Promise<Running>;
};

async function healthClients(port: number): Promise<number | undefined> {
  const { status, body } = await httpGet(`http://127.0.0.1:${port}/health`);
  const parsed: unknown = JSON.parse(body);
  const clients = (parsed as { clients?: unknown }).clients;
  return status === 200 && typeof clients === 'number' ? clients : undefined;
}

async function startProcess(
  ctx: StartContext,
  name: string,
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<Running> {
  const port = await freePort();
  const child = spawnServer(command, args, {
    cwd: ctx.root,
    env: { ...process.env, ...env, PORT: String(port) },
    logFile: join(ctx.workDir, `${name}.log`),
  });
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code}; see ${name}.log`))),
  );
  exited.catch(() => undefined);
  await Promise.race([
    waitFor(`${name} /health = 200`, async () => (await healthClients(port)) !== undefined, 30_000),
    exited,
  ]);
  return {
    pids: () => processTree(child.pid ?? 0),
    port,
    path: '/sse/chain-feed',
    event: 'chain',
    clients: () => healthClients(port).catch(() => undefined),
    stop: () => stopChild(child, 5000),
  };
}

function gatewayEnv(ctx: StartContext): NodeJS.ProcessEnv {
  return {
    HOST: '127.0.0.1',
    REDIS_URL: ctx.redisUrl,
    STREAMS: 'chain-feed',
    HEARTBEAT_MS: '15000',
    MAX_CLIENTS: String(ctx.maxClients),
    MAX_CLIENTS_PER_KEY: '0',
    SHUTDOWN_TIMEOUT_MS: '2000',
    LOG_LEVEL: 'warn',
  };
}

const gatewayMissing = (file: string) => (root: string) =>
  existsSync(join(root, file)) ? undefined : `${file} is not on this branch yet`;

export const TARGETS: TargetSpec[] = [
  {
    name: 'baseline',
    label: 'baseline (Express sketch, Node)',
    missing: () => undefined,
    start: (ctx) =>
      startProcess(ctx, 'baseline', process.execPath, ['bench/baseline/sse-gateway.js'], {
        REDIS_URL: ctx.redisUrl,
      }),
  },
  {
    name: 'bun',
    label: 'gateway on Bun',
    missing: gatewayMissing('src/runtime/bun.ts'),
    start: (ctx) =>
      startProcess(
        ctx,
        'gateway-bun',
        join(ctx.root, 'node_modules/.bin/bun'),
        ['src/runtime/bun.ts'],
        gatewayEnv(ctx),
      ),
  },
  {
    name: 'node',
    label: 'gateway on Node',
    missing: gatewayMissing('src/runtime/node.ts'),
    start: (ctx) =>
      startProcess(
        ctx,
        'gateway-node',
        process.execPath,
        ['--import', 'tsx', 'src/runtime/node.ts'],
        gatewayEnv(ctx),
      ),
  },
  { name: 'nchan', label: 'nginx + nchan', missing: nchanMissing, start: startNchan },
];
