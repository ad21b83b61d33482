/** Case 008 over HTTP/2 (Node with TLS): no connection-specific headers, entries arrive. */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { type ClientHttp2Session, connect as h2Connect } from 'node:http2';
import { type TestCert, createSelfSignedCert } from '../helpers/certs.ts';
import { type GatewayProcess, startGateway } from '../helpers/gateway-process.ts';
import { waitUntil } from '../helpers/ports.ts';
import { type RedisServer, publish, startRedis } from '../helpers/redis-server.ts';
import { tapText } from '../helpers/text-tap.ts';

/** Connection-specific fields HTTP/2 forbids (RFC 9113 section 8.2.2), and a length. */
const FORBIDDEN_ON_H2 = [
  'connection',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
  'proxy-connection',
  'content-length',
];

// Bun 1.4.5 serves TLS as HTTP/1.1 only (src/runtime/tls.ts leaves Bun's http2 off).
describe('HTTP/2 over TLS on node', () => {
  let cert: TestCert;
  let redis: RedisServer;
  let gateway: GatewayProcess;
  let session: ClientHttp2Session;
  const sessionErrors: unknown[] = [];

  beforeAll(async () => {
    cert = createSelfSignedCert();
    redis = await startRedis();
    gateway = await startGateway('node', {
      REDIS_URL: redis.url,
      TLS_CERT_FILE: cert.certFile,
      TLS_KEY_FILE: cert.keyFile,
    });
    expect(gateway.output()).toContain('"runtime":"node ');
    const health = () => fetch(`${gateway.url}/health`, { tls: { ca: cert.cert } });
    await waitUntil(async () => (await health()).ok, 10_000, 'health');
    session = h2Connect(gateway.url, { ca: cert.cert });
    session.on('error', (error) => sessionErrors.push(error));
    await new Promise<void>((resolve, reject) => {
      session.once('connect', () => resolve());
      session.once('error', reject);
    });
  });

  afterAll(async () => {
    session?.destroy();
    await gateway?.stop('SIGKILL');
    await redis?.stop();
    cert?.cleanup();
  });

  test('negotiates h2 by ALPN', () => {
    expect(session.alpnProtocol).toBe('h2');
  });

  test('streams an entry with no connection-specific header and no length', async () => {
    let headers: Record<string, unknown> = {};
    const stream = session.request({ ':path': '/sse/chain-feed?symbols=H2' });
    const streamErrors: unknown[] = [];
    stream.on('error', (error) => streamErrors.push(error));
    const body = tapText((push) => {
      stream.on('response', (received) => (headers = received));
      stream.setEncoding('utf8');
      stream.on('data', push);
    });
    await body.waitFor(/event: connected\n/, 5000);
    expect(headers[':status']).toBe(200);
    expect(String(headers['content-type'])).toStartWith('text/event-stream');
    for (const name of FORBIDDEN_ON_H2) {
      expect({ name, value: headers[name] }).toEqual({ name, value: undefined });
    }
    const payload = '{"symbol":"H2","seq":1}';
    const id = await publish(redis.client, 'sse:chain-feed', payload);
    const frame = `id: ${id}\nevent: chain\ndata: ${payload}\n\n`;
    await body.waitFor(new RegExp(frame.replace(/[{}]/g, '\\$&')), 5000);
    const closed = new Promise<void>((resolve) => stream.once('close', () => resolve()));
    stream.close();
    await closed;
    expect(streamErrors).toEqual([]);
    expect(sessionErrors).toEqual([]);
  });

  test('releases the client when its HTTP/2 stream is reset, keeping the session', async () => {
    const clients = async () => {
      const health = await fetch(`${gateway.url}/health`, { tls: { ca: cert.cert } });
      return (await health.json()).clients as number;
    };
    await waitUntil(async () => (await clients()) === 0, 5000, 'earlier clients to leave');
    const stream = session.request({ ':path': '/sse/timeseries' });
    stream.on('error', () => {}); // the reset below is ours
    const body = tapText((push) => {
      stream.setEncoding('utf8');
      stream.on('data', push);
    });
    await body.waitFor(/event: connected\n/, 5000);
    expect(await clients()).toBe(1);
    stream.close();
    await waitUntil(async () => (await clients()) === 0, 5000, 'the client to be released');
    expect(session.closed).toBe(false);
  });

  test('keeps the session usable after the client closed a stream on it', async () => {
    const stream = session.request({ ':path': '/health' });
    let status: unknown;
    stream.on('response', (headers) => (status = headers[':status']));
    const body = tapText((push) => {
      stream.setEncoding('utf8');
      stream.on('data', push);
    });
    await new Promise<void>((resolve) => stream.once('end', () => resolve()));
    expect(status).toBe(200);
    expect(JSON.parse(body.text()).status).toBe('ok');
    expect(sessionErrors).toEqual([]);
  });
});
