/** The sse-gateway command: its --help reference, its errors, and starting the gateway on Bun. */
import { describe, expect, test } from 'bun:test';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { configReference, formatMarkdown } from '../../src/cli.ts';
import { loadConfig, schema } from '../../src/config.ts';
import { freePort, waitUntil } from '../helpers/ports.ts';
import { startRedis } from '../helpers/redis-server.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const BUN = `${ROOT}node_modules/.bin/bun`;
const BIN = `${ROOT}bin/sse-gateway.ts`;

/** The variables CONTRACT.md promises; the reference must never lose one. */
const CONTRACT_VARIABLES = [
  'PORT',
  'HOST',
  'REDIS_URL',
  'REDIS_SENTINELS',
  'REDIS_SENTINEL_NAME',
  'REDIS_CLUSTER_NODES',
  'STREAM_PREFIX',
  'STREAMS',
  'STREAM_EVENTS',
  'STREAM_KEYS',
  'HEARTBEAT_MS',
  'RETRY_MS',
  'CLIENT_BUFFER_BYTES',
  'SLOW_CLIENT_POLICY',
  'MAX_ENTRY_BYTES',
  'MAX_CLIENTS',
  'MAX_CLIENTS_PER_KEY',
  'CORS_ORIGINS',
  'AUTH_TOKENS',
  'AUTH_JWT_SECRET',
  'AUTH_JWT_PUBLIC_KEY_FILE',
  'AUTH_JWKS_FILE',
  'TLS_CERT_FILE',
  'TLS_KEY_FILE',
  'SHUTDOWN_TIMEOUT_MS',
  'LOG_LEVEL',
];

function run(...args: string[]) {
  return spawnSync(BUN, [BIN, ...args], { encoding: 'utf8', timeout: 20_000, cwd: '/' });
}

describe('sse-gateway --help', () => {
  const help = run('--help');

  test('exits 0 and lists every configuration variable with its description', () => {
    expect(help.status).toBe(0);
    const names = new Set([...CONTRACT_VARIABLES, ...Object.keys(schema.shape)]);
    for (const name of names) {
      const line = help.stdout.split('\n').find((l) => l.trimStart().startsWith(`${name} `));
      expect(line, `${name} is missing from --help`).toBeDefined();
      const description = configReference().find((v) => v.name === name)?.description;
      expect(description?.length ?? 0).toBeGreaterThan(5);
      expect(line).toContain(description as string);
    }
  });

  test('shows defaults that configure the gateway exactly as leaving the variable unset', () => {
    const unset = loadConfig({});
    for (const variable of configReference()) {
      const shown = `${variable.name}: default ${variable.defaultValue ?? 'unset'}`;
      expect(help.stdout, shown).toContain(`default: ${variable.defaultValue ?? 'unset'}`);
      if (variable.defaultValue === undefined) continue;
      expect(loadConfig({ [variable.name]: variable.defaultValue }), shown).toEqual(unset);
    }
  });

  test('names the accepted values of enumerations and the range of integers', () => {
    expect(help.stdout).toContain('disconnect | conflate; default: disconnect');
    expect(help.stdout).toContain('debug | info | warn | error; default: info');
    expect(help.stdout).toContain('integer 100..3600000; default: 15000');
  });
});

describe('sse-gateway command', () => {
  test('refuses an unknown argument with exit code 2 and a hint on stderr', () => {
    const result = run('--port', '8080');
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('environment variables');
  });

  test('prints the package version with --version', () => {
    const { version } = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as {
      version: string;
    };
    expect(run('--version').stdout).toBe(`${version}\n`);
  });

  test('keeps the table in docs/DEPLOYMENT.md identical to --markdown', () => {
    const docs = readFileSync(`${ROOT}docs/DEPLOYMENT.md`, 'utf8');
    expect(run('--markdown').stdout).toBe(formatMarkdown(configReference()));
    expect(docs).toContain(formatMarkdown(configReference()));
  });

  test('starts the gateway on Bun without arguments and stops cleanly on SIGTERM', async () => {
    const redis = await startRedis();
    const port = await freePort();
    const child = spawn(BUN, [BIN], {
      env: { ...process.env, REDIS_URL: redis.url, HOST: '127.0.0.1', PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stderr.on('data', (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      const url = `http://127.0.0.1:${port}`;
      await waitUntil(async () => (await fetch(`${url}/health`)).ok, 15_000, 'gateway health');
      const metrics = await (await fetch(`${url}/metrics`)).text();
      expect(metrics).toContain('runtime="bun"');
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(output).toContain('"msg":"stopped"');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await redis.stop();
    }
  });
});
