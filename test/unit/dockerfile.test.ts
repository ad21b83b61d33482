/** The Dockerfile, .dockerignore and docker-compose.yml, checked by structure (no Docker here). */
import { describe, expect, test } from 'bun:test';
import { existsSync, readFileSync } from 'node:fs';
import {
  type Instruction,
  contextFiles,
  execForm,
  ignorePatterns,
  isIgnored,
  parseDockerfile,
} from '../helpers/docker-context.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const read = (path: string) => readFileSync(`${ROOT}${path}`, 'utf8');
const instructions = parseDockerfile(read('Dockerfile'));
const finalStage = Math.max(...instructions.map((i) => i.stage));
const final = instructions.filter((i) => i.stage === finalStage);
const only = (keyword: string, list: Instruction[] = instructions) => {
  const found = list.filter((i) => i.keyword === keyword);
  expect(found.length, `exactly one ${keyword}`).toBe(1);
  return found[0] as Instruction;
};
const pkg = JSON.parse(read('package.json')) as { devDependencies: Record<string, string> };
const ignore = ignorePatterns(read('.dockerignore'));

describe('Dockerfile', () => {
  test('builds in stages from official Bun images pinned to the Bun the tests run on', () => {
    const froms = instructions.filter((i) => i.keyword === 'FROM');
    expect(froms.length).toBeGreaterThanOrEqual(2);
    for (const from of froms) {
      const match = /^oven\/bun:(\d+\.\d+\.\d+)(-[a-z]+)? AS [a-z-]+$/i.exec(from.args);
      expect(match, from.args).not.toBeNull();
      expect(match?.[1]).toBe(pkg.devDependencies.bun);
    }
  });

  test('installs only production dependencies, from the lockfile, as npm ci would', () => {
    const install = instructions.find((i) => i.keyword === 'RUN' && i.args.includes('install'));
    expect(install?.args).toContain('bun install --frozen-lockfile --production');
    const copiesLock = instructions.findIndex(
      (i) => i.keyword === 'COPY' && i.args.includes('package-lock.json'),
    );
    expect(copiesLock).toBeGreaterThanOrEqual(0);
    expect(copiesLock).toBeLessThan(instructions.indexOf(install as Instruction));
    expect(final.some((i) => i.keyword === 'COPY' && i.args.includes('--from=deps'))).toBe(true);
  });

  test('runs as a user other than root', () => {
    const user = only('USER', final).args.split(':')[0];
    expect(['', 'root', '0']).not.toContain(user);
    expect(final.indexOf(only('USER', final))).toBeLessThan(final.indexOf(only('CMD', final)));
  });

  test('checks /health with an exec-form HEALTHCHECK whose script ships in the image', () => {
    const health = only('HEALTHCHECK', final).args;
    const command = execForm(health.slice(health.indexOf('CMD ') + 4));
    expect(command?.[0]).toBe('bun');
    const script = command?.[1] as string;
    expect(existsSync(`${ROOT}${script}`)).toBe(true);
    expect(isIgnored(ignore, script)).toBe(false);
    expect(read(script)).toContain('/health');
  });

  test('starts the gateway in exec form, so SIGTERM reaches it as PID 1', () => {
    const command = execForm(only('CMD', final).args);
    expect(command).toEqual(['bun', 'bin/sse-gateway.ts']);
    expect(instructions.some((i) => i.keyword === 'ENTRYPOINT')).toBe(false);
    const stop = instructions.find((i) => i.keyword === 'STOPSIGNAL');
    expect(stop?.args ?? 'SIGTERM').toBe('SIGTERM');
  });

  test('exposes port 7000', () => {
    expect(only('EXPOSE', final).args).toBe('7000');
  });

  test('bakes no secret into the image', () => {
    const secret = /TOKEN|SECRET|PASSWORD|PASSWD|PRIVATE|JWT|CREDENTIAL|API_?KEY/i;
    for (const i of instructions.filter((x) => x.keyword === 'ENV' || x.keyword === 'ARG')) {
      expect(i.args, `${i.keyword} ${i.args}`).not.toMatch(secret);
    }
    for (const i of instructions.filter((x) => x.keyword === 'COPY' || x.keyword === 'ADD')) {
      expect(i.args).not.toMatch(/\.env|\.pem|\.key\b|id_rsa/);
    }
    for (const path of ['.env', 'src/.env.local', 'certs/server.key', 'src/tls/cert.pem']) {
      expect(isIgnored(ignore, path), path).toBe(true);
    }
  });
});

describe('.dockerignore', () => {
  test('admits the code the image runs and keeps tests, docs and git out', () => {
    const files = contextFiles(ROOT, ignore);
    for (const needed of [
      'package.json',
      'package-lock.json',
      'src/gateway.ts',
      'bin/sse-gateway.ts',
    ]) {
      expect(files).toContain(needed);
    }
    const stray = files.filter((f) => !/^(src|bin|public|scripts)\/|^[^/]+\.json$/.test(f));
    expect(stray).toEqual([]);
    for (const path of ['test/unit/cli.test.ts', 'docs/DEPLOYMENT.md', '.ci/run', 'Dockerfile']) {
      expect(isIgnored(ignore, path), path).toBe(true);
    }
  });
});

describe('docker-compose.yml', () => {
  type Service = {
    image?: string;
    build?: unknown;
    command?: string[];
    environment?: Record<string, string>;
    depends_on?: Record<string, { condition: string }>;
    stop_grace_period?: string;
  };
  const compose = Bun.YAML.parse(read('docker-compose.yml')) as {
    services: Record<string, Service>;
  };
  const { redis, gateway, publisher } = compose.services;

  test('runs Redis, the gateway and the demo publisher', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['gateway', 'publisher', 'redis']);
    expect(redis?.image).toMatch(/^redis:\d+\.\d+\.\d+/);
    expect(gateway?.build).toBe('.');
    expect(publisher?.command).toEqual(['bun', 'scripts/publisher.ts']);
  });

  test('points both at the Redis service and the same stream prefix', () => {
    for (const service of [gateway, publisher]) {
      expect(service?.environment?.REDIS_URL).toBe('redis://redis:6379');
      expect(service?.depends_on?.redis?.condition).toBe('service_healthy');
    }
    expect(gateway?.environment?.STREAM_PREFIX).toBe(publisher?.environment?.STREAM_PREFIX);
  });

  test('gives the gateway longer to stop than its own drain timeout', () => {
    const grace = Number(/^(\d+)s$/.exec(gateway?.stop_grace_period ?? '')?.[1] ?? 0);
    const drainMs = Number(gateway?.environment?.SHUTDOWN_TIMEOUT_MS ?? 10_000);
    expect(grace * 1000).toBeGreaterThan(drainMs);
  });
});
