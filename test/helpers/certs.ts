/** Test helper: a throwaway self-signed certificate for 127.0.0.1 and localhost, via openssl. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** PEM files in their own temp directory; call `cleanup()` when the test is done. */
export type TestCert = {
  dir: string;
  certFile: string;
  keyFile: string;
  cert: string;
  key: string;
  cleanup(): void;
};

/**
 * Generates an EC P-256 certificate valid for one day, with subjectAltName
 * `DNS:localhost, IP:127.0.0.1`, so clients can verify it with `ca: cert` instead of turning
 * verification off. Throws with an install hint when `openssl` is missing.
 */
export function createSelfSignedCert(): TestCert {
  const dir = mkdtempSync(join(tmpdir(), 'sse-gateway-cert-'));
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  const args = [
    'req',
    '-x509',
    '-nodes',
    '-days',
    '1',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-subj',
    '/CN=localhost',
    '-addext',
    'subjectAltName=DNS:localhost,IP:127.0.0.1',
    '-keyout',
    keyFile,
    '-out',
    certFile,
  ];
  const run = spawnSync('openssl', args, { encoding: 'utf8', timeout: 20_000 });
  if (run.error !== undefined || run.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    const why = run.error !== undefined ? String(run.error) : run.stderr;
    throw new Error(`openssl could not create a test certificate (install openssl 1.1.1+): ${why}`);
  }
  return {
    dir,
    certFile,
    keyFile,
    cert: readFileSync(certFile, 'utf8'),
    key: readFileSync(keyFile, 'utf8'),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
