#!/usr/bin/env bun
/** Container HEALTHCHECK: exits 0 when this container's gateway answers /health with 200. */
import { loadConfig } from '../src/config.ts';

const WILDCARDS = new Set(['0.0.0.0', '::', '[::]']);

/** The address to probe: loopback when the gateway listens on every interface. */
function probeUrl(): string {
  const config = loadConfig();
  const host = WILDCARDS.has(config.host) ? '127.0.0.1' : config.host;
  const scheme = config.tlsCertFile === undefined ? 'http' : 'https';
  const authority = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return `${scheme}://${authority}:${config.port}/health`;
}

try {
  const response = await fetch(probeUrl(), {
    signal: AbortSignal.timeout(4000),
    // The certificate names the public host, not the address probed from inside the
    // container; this check is about our own process answering, so it is not verified.
    tls: { rejectUnauthorized: false },
  });
  process.exitCode = response.status === 200 ? 0 : 1;
} catch {
  process.exitCode = 1;
}
