/** HTTPS for both runtimes from TLS_CERT_FILE / TLS_KEY_FILE, checked once at start-up. */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createSecureServer, type SecureServerOptions } from 'node:http2';
import { GatewayError } from '../errors.ts';

/** PEM contents: the certificate (chain allowed, leaf first) and its unencrypted key. */
export type TlsMaterial = { cert: string; key: string };

/**
 * Reads and checks the PEM files: `null` when neither path is set, an `invalid_config` error
 * when only one is, when a file cannot be read or parsed, when the key does not belong to the
 * certificate, or when the certificate has expired. Paths are named; contents never are.
 */
export function readTlsFiles(
  certFile: string | undefined,
  keyFile: string | undefined,
  nowMs: number = Date.now(),
): TlsMaterial | null {
  if (certFile === undefined && keyFile === undefined) return null;
  if (certFile === undefined || keyFile === undefined) {
    throw invalid('set both TLS_CERT_FILE and TLS_KEY_FILE to serve HTTPS, or neither');
  }
  const cert = readPem(certFile, 'TLS_CERT_FILE');
  const key = readPem(keyFile, 'TLS_KEY_FILE');
  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(cert);
  } catch (cause) {
    throw invalid(`TLS_CERT_FILE ${certFile} holds no PEM certificate`, cause);
  }
  let privateKey: ReturnType<typeof createPrivateKey>;
  try {
    privateKey = createPrivateKey(key);
  } catch (cause) {
    throw invalid(`TLS_KEY_FILE ${keyFile} holds no unencrypted PEM private key`, cause);
  }
  if (!leaf.checkPrivateKey(privateKey)) {
    throw invalid(`TLS_KEY_FILE ${keyFile} is not the key of the certificate in ${certFile}`);
  }
  if (Date.parse(leaf.validTo) <= nowMs) {
    throw invalid(`TLS_CERT_FILE ${certFile} expired on ${leaf.validTo}; renew it`);
  }
  return { cert, key };
}

/**
 * Spread into `Bun.serve({...})`. HTTP/1.1 over TLS by default; `http2: true` also offers h2
 * via ALPN, which Bun 1.4.5 marks experimental (a probe streamed SSE over it fine).
 */
export function bunServeOptions(
  tls: TlsMaterial,
  { http2 = false }: { http2?: boolean } = {},
): { tls: { cert: string; key: string }; http2: boolean } {
  return { tls: { cert: tls.cert, key: tls.key }, http2 };
}

/**
 * Spread into `serve({...})` of @hono/node-server (2.1 accepts node:http2's
 * `createSecureServer`): HTTP/2 for clients that offer h2 via ALPN, which lifts browsers'
 * six-connections-per-origin limit on EventSource, and HTTP/1.1 for the rest (`allowHTTP1`).
 */
export function nodeServeOptions(tls: TlsMaterial): {
  createServer: typeof createSecureServer;
  serverOptions: SecureServerOptions;
} {
  return {
    createServer: createSecureServer,
    serverOptions: { cert: tls.cert, key: tls.key, allowHTTP1: true },
  };
}

function readPem(path: string, variable: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (cause) {
    throw invalid(`${variable} ${path} cannot be read; check the path and its permissions`, cause);
  }
}

function invalid(message: string, cause?: unknown): GatewayError {
  return new GatewayError('invalid_config', message, { cause });
}
