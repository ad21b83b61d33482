/** The image's files, assembled as `COPY . .` would, start the gateway and pass its HEALTHCHECK. */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { contextFiles, ignorePatterns } from '../helpers/docker-context.ts';
import { freePort, waitUntil } from '../helpers/ports.ts';
import { type RedisServer, startRedis } from '../helpers/redis-server.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const BUN = `${ROOT}node_modules/.bin/bun`;

describe('the image contents without Docker', () => {
  let app: string;
  let redis: RedisServer;
  let gateway: ChildProcess;
  let env: Record<string, string>;
  const healthcheck = () =>
    spawnSync(BUN, ['bin/healthcheck.ts'], { cwd: app, env, timeout: 20_000 }).status;

  beforeAll(async () => {
    app = mkdtempSync(join(tmpdir(), 'sse-gateway-image-'));
    const ignore = ignorePatterns(readFileSync(`${ROOT}.dockerignore`, 'utf8'));
    for (const file of contextFiles(ROOT, ignore)) {
      mkdirSync(dirname(join(app, file)), { recursive: true });
      cpSync(join(ROOT, file), join(app, file));
    }
    // Stands in for the deps stage; a real build installs production dependencies only.
    symlinkSync(join(ROOT, 'node_modules'), join(app, 'node_modules'));
    redis = await startRedis();
    const port = await freePort();
    env = { PATH: process.env.PATH ?? '', REDIS_URL: redis.url, PORT: String(port) };
    // As the image does: HOST 0.0.0.0, so the healthcheck must find loopback by itself.
    gateway = spawn(BUN, ['bin/sse-gateway.ts'], {
      cwd: app,
      env: { ...env, HOST: '0.0.0.0' },
      stdio: 'ignore',
    });
    await waitUntil(async () => (await fetch(`http://127.0.0.1:${port}/health`)).ok, 15_000);
  });

  afterAll(async () => {
    gateway?.kill('SIGKILL');
    await redis?.stop();
    rmSync(app, { recursive: true, force: true });
  });

  test('starts from the admitted files and reports healthy to the HEALTHCHECK script', () => {
    expect(healthcheck()).toBe(0);
  });

  test('reports unhealthy while Redis is away, and healthy again once it is back', async () => {
    await redis.kill();
    await waitUntil(() => healthcheck() === 1, 10_000, 'an unhealthy check');
    await redis.restart();
    await waitUntil(() => healthcheck() === 0, 15_000, 'a healthy check');
  });

  test('reports unhealthy when nothing listens on the port', () => {
    expect(
      spawnSync(BUN, ['bin/healthcheck.ts'], { cwd: app, env: { ...env, PORT: '1' } }).status,
    ).toBe(1);
  });
});
