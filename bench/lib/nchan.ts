// nginx with the nchan module as a further peer, fed from the Redis stream by a small feeder.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { forkModule, spawnServer, stopChild } from './children.ts';
import { freePort } from '../../src/demo/child-process.ts';
import { fdLimit, processTree } from './proc-stats.ts';
import { request } from './rpc.ts';
import type { Running, StartContext } from './targets.ts';
import { httpGet, waitFor } from './wait.ts';
import { nginxConf } from '../nchan/nginx-conf.ts';

const NGINX = '/usr/sbin/nginx';
const MODULE = '/usr/lib/nginx/modules/ngx_nchan_module.so';
const FEEDER = fileURLToPath(new URL('../nchan/feeder.ts', import.meta.url));
let runs = 0;

/** Why nchan cannot run here, or undefined when nginx and the module are installed. */
export function nchanMissing(): string | undefined {
  if (!existsSync(NGINX) || !existsSync(MODULE)) {
    return 'nginx with the nchan module is not installed (apt-get install libnginx-mod-nchan)';
  }
  return undefined;
}

async function subscribers(port: number): Promise<number | undefined> {
  const { status, body } = await httpGet(`http://127.0.0.1:${port}/nchan_status`);
  const match = /^subscribers: (\d+)$/m.exec(body);
  return status === 200 && match?.[1] !== undefined ? Number(match[1]) : undefined;
}

/** Starts nginx (one worker) and the feeder; both count as the server in every meter. */
export async function startNchan(ctx: StartContext): Promise<Running> {
  runs += 1;
  const dir = join(ctx.workDir, `nchan-${runs}`);
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  writeFileSync(join(dir, 'nginx.conf'), nginxConf({ workDir: dir, port, fdLimit: fdLimit() }));
  const nginx = spawnServer(NGINX, ['-c', join(dir, 'nginx.conf'), '-p', dir], {
    cwd: dir,
    env: process.env,
    logFile: join(dir, 'nginx.out.log'),
  });
  await waitFor('nchan status = 200', async () => (await subscribers(port)) !== undefined, 15_000);
  const feeder = forkModule(FEEDER, [ctx.redisUrl, 'sse:chain-feed', String(port)]);
  await request(feeder, {}, 'ready', 15_000);
  return {
    pids: () => [...processTree(nginx.pid ?? 0), feeder.pid ?? 0],
    port,
    path: '/sse/chain-feed',
    event: 'chain',
    clients: () => subscribers(port).catch(() => undefined),
    stop: async () => {
      await stopChild(feeder, 2000);
      await stopChild(nginx, 5000);
    },
  };
}
