/** TLS_CERT_FILE / TLS_KEY_FILE: HTTPS event streams on both runtimes, checked by two clients. */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import type { IncomingHttpHeaders } from 'node:http';
import { get as httpsGet } from 'node:https';
import { type TestCert, createSelfSignedCert } from '../helpers/certs.ts';
import { type GatewayProcess, type Runtime, startGateway } from '../helpers/gateway-process.ts';
import { waitUntil } from '../helpers/ports.ts';
import { type RedisServer, publish, startRedis } from '../helpers/redis-server.ts';
import { type TextTap, tapText } from '../helpers/text-tap.ts';

const CHAIN = 'sse:chain-feed';

/** The complete frame of one chain-feed entry, as a pattern. */
const frameOf = (id: string, payload: string) =>
  new RegExp(`id: ${id}\\nevent: chain\\ndata: ${payload.replace(/[{}]/g, '\\$&')}\\n\\n`);

for (const runtime of ['bun', 'node'] as Runtime[]) {
  describe(`HTTPS on ${runtime}`, () => {
    let cert: TestCert;
    let redis: RedisServer;
    let gateway: GatewayProcess;
    const taps: TextTap[] = [];

    beforeAll(async () => {
      cert = createSelfSignedCert();
      redis = await startRedis();
      gateway = await startGateway(runtime, {
        REDIS_URL: redis.url,
        TLS_CERT_FILE: cert.certFile,
        TLS_KEY_FILE: cert.keyFile,
      });
      expect(gateway.url).toStartWith('https://');
      expect(gateway.output()).toContain(`"runtime":"${runtime} `);
      const health = () => fetch(`${gateway.url}/health`, { tls: { ca: cert.cert } });
      await waitUntil(async () => (await health()).ok, 10_000, 'health');
    });

    const clients = async () => {
      const health = await fetch(`${gateway.url}/health`, { tls: { ca: cert.cert } });
      return (await health.json()).clients as number;
    };

    afterAll(async () => {
      for (const tap of taps) tap.stop();
      await gateway?.stop('SIGKILL');
      await redis?.stop();
      cert?.cleanup();
    });

    test('streams an entry to a fetch client that trusts the certificate', async () => {
      const abort = new AbortController();
      const response = await fetch(`${gateway.url}/sse/chain-feed?symbols=TLS`, {
        tls: { ca: cert.cert },
        signal: abort.signal,
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toStartWith('text/event-stream');
      const reader = response.body?.getReader();
      const decoder = new TextDecoder();
      const body = tapText(
        (push) => {
          const pump = async () => {
            for (;;) {
              const chunk = await reader?.read();
              if (chunk === undefined || chunk.done) return;
              push(decoder.decode(chunk.value, { stream: true }));
            }
          };
          pump().catch(() => {}); // ends with the abort
        },
        () => abort.abort(),
      );
      taps.push(body);
      await body.waitFor(/event: connected\n/, 5000);
      const payload = '{"symbol":"TLS","seq":1}';
      const id = await publish(redis.client, CHAIN, payload);
      await body.waitFor(frameOf(id, payload), 5000);
      body.stop();
      await waitUntil(async () => (await clients()) === 0, 5000, 'the client to be released');
    });

    test('streams an entry to a node:https client over HTTP/1.1', async () => {
      let headers: IncomingHttpHeaders = {};
      const request = httpsGet(`${gateway.url}/sse/chain-feed?symbols=TLS`, { ca: cert.cert });
      request.on('error', () => {}); // destroyed when the test ends
      const body = tapText(
        (push) => {
          request.on('response', (response) => {
            headers = response.headers;
            response.setEncoding('utf8');
            response.on('data', push);
          });
        },
        () => request.destroy(),
      );
      taps.push(body);
      await body.waitFor(/event: connected\n/, 5000);
      expect(headers['content-type']).toStartWith('text/event-stream');
      expect(headers['content-length']).toBeUndefined();
      expect(headers.connection).toBeUndefined();
      const payload = '{"symbol":"TLS","seq":2}';
      const id = await publish(redis.client, CHAIN, payload);
      await body.waitFor(frameOf(id, payload), 5000);
      body.stop();
      await waitUntil(async () => (await clients()) === 0, 5000, 'the client to be released');
    });
  });
}
