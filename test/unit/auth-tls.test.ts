/** TLS start-up checks, and SSE over HTTPS on Bun.serve and on @hono/node-server (h2 + h1). */
import { afterAll, describe, expect, test } from 'bun:test';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GatewayError } from '../../src/errors.ts';
import { bunServeOptions, readTlsFiles } from '../../src/runtime/tls.ts';
import { createSelfSignedCert } from '../helpers/certs.ts';

const cert = createSelfSignedCert();
const other = createSelfSignedCert();
afterAll(() => {
  cert.cleanup();
  other.cleanup();
});

const FRAME = 'retry: 2000\n\n';

function configError(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof GatewayError && error.code === 'invalid_config') return error.message;
    throw error;
  }
  throw new Error('expected an invalid_config error');
}

describe('readTlsFiles', () => {
  test('returns null when neither file is configured', () => {
    expect(readTlsFiles(undefined, undefined)).toBeNull();
  });

  test('returns both PEM contents when they belong together', () => {
    expect(readTlsFiles(cert.certFile, cert.keyFile)).toEqual({ cert: cert.cert, key: cert.key });
  });

  test('refuses a certificate without a key', () => {
    expect(configError(() => readTlsFiles(cert.certFile, undefined))).toContain('TLS_KEY_FILE');
  });

  test('names an unreadable file by its variable and path', () => {
    const missing = join(cert.dir, 'missing.pem');
    expect(configError(() => readTlsFiles(cert.certFile, missing))).toContain(missing);
  });

  test('refuses a key that belongs to another certificate, without printing the key', () => {
    const message = configError(() => readTlsFiles(cert.certFile, other.keyFile));
    expect(message).toContain('is not the key');
    expect(message).not.toContain('PRIVATE');
  });

  test('refuses a file that holds no certificate', () => {
    expect(configError(() => readTlsFiles(cert.keyFile, cert.keyFile))).toContain('certificate');
  });

  test('refuses an expired certificate', () => {
    const inTwoDays = Date.now() + 2 * 86_400_000;
    expect(configError(() => readTlsFiles(cert.certFile, cert.keyFile, inTwoDays))).toContain(
      'expired',
    );
  });
});

/** Reads the first chunk of a streaming body, failing after `ms` instead of hanging. */
async function firstChunk(body: ReadableStream<Uint8Array>, ms = 5000): Promise<string> {
  const reader = body.getReader();
  const deadline = new Promise<never>((_, reject) => {
    setTimeout(() => reject(new Error(`no data within ${ms} ms`)), ms).unref();
  });
  const { value } = await Promise.race([reader.read(), deadline]);
  await reader.cancel();
  return new TextDecoder().decode(value);
}

describe('HTTPS on Bun.serve', () => {
  test('streams SSE to a client that verifies the certificate for 127.0.0.1', async () => {
    const tls = readTlsFiles(cert.certFile, cert.keyFile);
    if (tls === null) throw new Error('expected TLS material');
    const server = Bun.serve({
      port: 0,
      hostname: '127.0.0.1',
      ...bunServeOptions(tls),
      fetch: () =>
        new Response(
          new ReadableStream({ start: (c) => c.enqueue(new TextEncoder().encode(FRAME)) }),
          { headers: { 'content-type': 'text/event-stream' } },
        ),
    });
    try {
      const url = `https://127.0.0.1:${server.port}/sse`;
      const response = await fetch(url, { tls: { ca: cert.cert } });
      expect(response.headers.get('content-type')).toBe('text/event-stream');
      expect(await firstChunk(response.body as ReadableStream<Uint8Array>)).toBe(FRAME);
      // Without the CA the same request must fail: the server really speaks TLS.
      await expect(fetch(url)).rejects.toThrow('self signed');
    } finally {
      server.stop(true);
    }
  });
});

// Runs in a Node child (the runtime @hono/node-server is for): serves one SSE stream with
// nodeServeOptions, reads it over HTTP/2 and over HTTP/1.1, both verifying the certificate,
// then reports headers, first data and how many streams saw cancel() when the client left.
const NODE_SCRIPT = `
import { serve } from '@hono/node-server';
import { once } from 'node:events';
import http2 from 'node:http2';
import https from 'node:https';
import { nodeServeOptions, readTlsFiles } from './src/runtime/tls.ts';
const [certFile, keyFile] = process.argv.slice(-2);
const tls = readTlsFiles(certFile, keyFile);
let cancels = 0;
let onCancel = () => {};
const fetch = () => new Response(new ReadableStream({
  start: (c) => c.enqueue(new TextEncoder().encode(${JSON.stringify(FRAME)})),
  cancel: () => { cancels += 1; onCancel(); },
}), { headers: { 'content-type': 'text/event-stream' } });
const cancelled = () => new Promise((resolve) => { onCancel = resolve; });
const server = serve({ fetch, port: 0, hostname: '127.0.0.1', ...nodeServeOptions(tls) });
await once(server, 'listening');
const { port } = server.address();
const session = http2.connect('https://127.0.0.1:' + port, { ca: tls.cert });
const stream = session.request({ ':path': '/sse' });
const [h2Headers] = await once(stream, 'response');
const [h2Data] = await once(stream, 'data');
let gone = cancelled();
stream.close();
session.close();
await gone;
const request = https.get({ host: '127.0.0.1', port, path: '/sse', ca: tls.cert });
const [response] = await once(request, 'response');
const [h1Data] = await once(response, 'data');
gone = cancelled();
request.destroy();
await gone;
server.close();
console.log(JSON.stringify({
  runtime: process.release.name, bun: !!process.versions.bun,
  h2: { status: h2Headers[':status'], type: h2Headers['content-type'],
    te: h2Headers['transfer-encoding'] ?? null, data: String(h2Data) },
  h1: { version: response.httpVersion, status: response.statusCode, data: String(h1Data) },
  cancels,
}));
`;

describe('HTTPS on @hono/node-server', () => {
  test('streams SSE over HTTP/2 and HTTP/1.1, cancelling each stream its client leaves', () => {
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const args = ['--import', 'tsx', '--input-type=module', '--eval', NODE_SCRIPT];
    const child = spawnSync('node', [...args, '--', cert.certFile, cert.keyFile], {
      cwd: root,
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(child.stderr).toBe('');
    expect(JSON.parse(child.stdout)).toEqual({
      runtime: 'node',
      bun: false,
      h2: { status: 200, type: 'text/event-stream', te: null, data: FRAME },
      h1: { version: '1.1', status: 200, data: FRAME },
      cancels: 2,
    });
  });
});
