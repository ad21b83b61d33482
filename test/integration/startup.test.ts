/** Start-up problems are told in one line: bad settings, an address in use, Redis unreachable. */
import { describe, expect, test } from 'bun:test';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { type Runtime, realNode, startGateway } from '../helpers/gateway-process.ts';
import { freePort, waitUntil } from '../helpers/ports.ts';

const ROOT = new URL('../../', import.meta.url).pathname;

/** Runs an entry point to its exit (at most 20 s); returns its exit code and output. */
function runToExit(runtime: Runtime, env: Record<string, string>) {
  const [command, args] =
    runtime === 'bun'
      ? [join(ROOT, 'node_modules/.bin/bun'), [join(ROOT, 'src/runtime/bun.ts')]]
      : [realNode(), ['--import', 'tsx', join(ROOT, 'src/runtime/node.ts')]];
  const child = spawn(command, args, {
    cwd: ROOT,
    env: { ...process.env, HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  return new Promise<{ code: number | null; output: string }>((resolve) =>
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    }),
  );
}

for (const runtime of ['bun', 'node'] as Runtime[]) {
  describe(`start-up on ${runtime}`, () => {
    test('bad settings exit 2 with one line naming each bad variable', async () => {
      const { code, output } = await runToExit(runtime, {
        PORT: 'x',
        REDIS_CLUSTER_NODES: 'bogus',
        STREAM_EVENTS: 'chain-feed:ch\nain',
      });
      expect(code).toBe(2);
      const lines = output.trim().split('\n');
      expect(lines.length).toBe(1);
      expect(lines[0]).toStartWith('sse-gateway: invalid configuration: ');
      for (const name of ['PORT', 'REDIS_CLUSTER_NODES', 'STREAM_EVENTS']) {
        expect(lines[0]).toContain(name);
      }
    });

    test('an address in use exits 2 with one line saying so', async () => {
      const busy = createServer().listen(0, '127.0.0.1');
      await new Promise((resolve) => busy.once('listening', resolve));
      const port = (busy.address() as { port: number }).port;
      const { code, output } = await runToExit(runtime, {
        PORT: String(port),
        REDIS_URL: 'redis://127.0.0.1:1',
      });
      busy.close();
      expect(code).toBe(2);
      const errors = output.split('\n').filter((line) => line.startsWith('sse-gateway:'));
      expect(errors.length).toBe(1);
      expect(errors[0]).toContain(`cannot listen on 127.0.0.1:${port}`);
      expect(output).not.toContain('    at ');
    });

    test('an unreachable Redis is reported once in the log, with the reason', async () => {
      const closed = await freePort();
      const gateway = await startGateway(runtime, { REDIS_URL: `redis://127.0.0.1:${closed}` });
      try {
        await waitUntil(() => gateway.output().includes('cannot reach redis'), 10_000, 'warning');
        expect(gateway.output()).toContain('ECONNREFUSED');
        expect((await fetch(`${gateway.url}/health`)).status).toBe(503);
        await Bun.sleep(1500); // further failed attempts must not repeat the line
        expect(gateway.output().split('cannot reach redis').length).toBe(2);
      } finally {
        await gateway.stop('SIGKILL');
      }
    });
  });
}
