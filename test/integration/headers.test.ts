/** Cases 007 and 008 over plain HTTP/1.1: no compression, no length, frames leave at once. */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { spawn } from 'node:child_process';
import { connect as tcpConnect } from 'node:net';
import { type GatewayProcess, type Runtime, startGateway } from '../helpers/gateway-process.ts';
import { waitUntil } from '../helpers/ports.ts';
import { type RedisServer, publish, startRedis } from '../helpers/redis-server.ts';
import { type TextTap, tapText } from '../helpers/text-tap.ts';

const HEARTBEAT_MS = 1000;

/** `curl -sN -D - --compressed`, as case 007 runs it; stdout holds headers, then the body. */
function curl(url: string, extra: string[] = []): TextTap {
  const child = spawn('curl', ['-sN', '-D', '-', '--http1.1', ...extra, url], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return tapText(
    (push) => child.stdout.on('data', push),
    () => child.kill('SIGKILL'),
  );
}

/** A raw HTTP/1.1 request on a TCP socket: header bytes exactly as the server wrote them. */
function rawGet(port: number, path: string, headers: string[] = []): TextTap {
  const socket = tcpConnect(port, '127.0.0.1');
  const request = [`GET ${path} HTTP/1.1`, `Host: 127.0.0.1:${port}`, ...headers, '', ''];
  socket.write(request.join('\r\n'));
  return tapText(
    (push) => socket.on('data', push),
    () => socket.destroy(),
  );
}

/** Header names and values of a raw response head, names lower-cased. */
function parseHead(text: string): { status: string; headers: Map<string, string> } {
  const [statusLine = '', ...lines] = (text.split(/\r?\n\r?\n/)[0] ?? '').split(/\r?\n/);
  const headers = new Map<string, string>();
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { status: statusLine, headers };
}

for (const runtime of ['bun', 'node'] as Runtime[]) {
  describe(`stream headers and flushing on ${runtime}`, () => {
    let redis: RedisServer;
    let gateway: GatewayProcess;
    const taps: TextTap[] = [];

    beforeAll(async () => {
      redis = await startRedis();
      gateway = await startGateway(runtime, {
        REDIS_URL: redis.url,
        HEARTBEAT_MS: String(HEARTBEAT_MS),
      });
      await waitUntil(async () => (await fetch(`${gateway.url}/health`)).ok, 10_000, 'health');
    });

    afterAll(async () => {
      for (const t of taps) t.stop();
      await gateway?.stop('SIGKILL');
      await redis?.stop();
    });

    test('sends an entry uncompressed within 500 ms to a client asking for gzip', async () => {
      const stream = curl(`${gateway.url}/sse/chain-feed?symbols=SPX`, [
        '--compressed',
        '-H',
        'Accept-Encoding: gzip, deflate, br',
      ]);
      taps.push(stream);
      await stream.waitFor(/event: connected\n/, 5000);
      const { status, headers } = parseHead(stream.text());
      expect(status).toMatch(/^HTTP\/1\.1 200/);
      expect(headers.get('content-encoding')).toBeUndefined();
      expect(headers.get('content-type')).toStartWith('text/event-stream');
      expect(headers.get('cache-control')).toContain('no-cache');
      expect(headers.get('cache-control')).toContain('no-transform');
      expect(headers.get('x-accel-buffering')).toBe('no');
      const payload = '{"symbol":"SPX","seq":1}';
      const id = await publish(redis.client, 'sse:chain-feed', payload);
      const published = Date.now();
      const frame = new RegExp(`id: ${id}\\nevent: chain\\ndata: ${payload}\\n\\n`);
      const arrived = await stream.waitFor(frame, 2000);
      expect(arrived - published).toBeLessThan(500);
      stream.stop();
    });

    test('sends the first heartbeat uncompressed within HEARTBEAT_MS + 500 ms', async () => {
      const stream = curl(`${gateway.url}/sse/timeseries?symbols=NONE`, [
        '--compressed',
        '-H',
        'Accept-Encoding: gzip, br',
      ]);
      taps.push(stream);
      const connected = await stream.waitFor(/event: connected\n/, 5000);
      const heartbeat = await stream.waitFor(/\n\n:[^\n]*\n\n$/, HEARTBEAT_MS + 2000);
      expect(heartbeat - connected).toBeLessThan(HEARTBEAT_MS + 500);
      stream.stop();
    });

    test('writes stream headers without Content-Length or Connection, within 300 ms', async () => {
      const warmUp = rawGet(gateway.port, '/sse/chain-feed');
      await warmUp.waitFor(/event: connected/, 5000);
      warmUp.stop();
      const started = Date.now();
      const raw = rawGet(gateway.port, '/sse/chain-feed?symbols=NONE', [
        'Accept: text/event-stream',
        'Accept-Encoding: gzip, deflate, br',
      ]);
      taps.push(raw);
      const headed = await raw.waitFor(/\r\n\r\n/, 5000);
      expect(headed - started).toBeLessThan(300);
      const { status, headers } = parseHead(raw.text());
      expect(status).toMatch(/^HTTP\/1\.1 200/);
      for (const name of ['content-length', 'connection', 'keep-alive', 'content-encoding']) {
        expect({ name, value: headers.get(name) }).toEqual({ name, value: undefined });
      }
      expect(headers.get('cache-control')).toBe('no-cache, no-transform');
      raw.stop();
    });
  });
}
