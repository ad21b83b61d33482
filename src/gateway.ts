/** createGateway(config): builds the whole object graph; nothing here is a module singleton. */
import type { Hono } from 'hono';
import { readFileSync } from 'node:fs';
import { createAuthenticator } from './auth/index.ts';
import { GatewayError } from './errors.ts';
import { createCors } from './http/cors.ts';
import type { Config } from './config.ts';
import { Admission } from './hub/admission.ts';
import { Broadcaster } from './hub/broadcaster.ts';
import { startHeartbeat } from './hub/heartbeat.ts';
import { Limiter } from './hub/limiter.ts';
import { type AppEnv, createApp } from './http/app.ts';
import { loadStaticFiles } from './http/static-files.ts';
import type { Logger } from './log.ts';
import { createRedis } from './redis/connection.ts';
import type { SkipReason } from './redis/entry.ts';
import { StreamReader } from './redis/stream-reader.ts';
import { encodeFrame } from './sse/frame.ts';

export type Gateway = {
  app: Hono<AppEnv>;
  hub: Broadcaster;
  reader: StreamReader;
  /** Ends every client with a `shutdown` event and refuses new ones; resolves when all left. */
  drain: (timeoutMs: number) => Promise<void>;
  /** Stops reading and closes Redis connections. */
  stop: () => Promise<void>;
};

const PUBLIC_DIR = new URL('../public/', import.meta.url).pathname;

export async function createGateway(config: Config, log: Logger): Promise<Gateway> {
  const keyOf = (stream: string) => `${config.streamPrefix}${stream}`;
  const hub = new Broadcaster({
    streams: config.streams,
    eventNames: config.streamEvents,
    keyFields: config.streamKeys,
    slowClientPolicy: config.slowClientPolicy,
    snapshotKeys: config.snapshotMaxKeys,
  });
  const readerRedis = createRedis(config, 'reader');
  const commands = createRedis(config, 'commands');
  commands.connect().catch(() => {
    // ioredis keeps retrying; /health reports the outage meanwhile.
  });
  const admission = new Admission(config.maxClients, config.maxClientsPerKey);
  const skippedKinds = new Set<SkipReason>();
  const reader = new StreamReader({
    redis: readerRedis,
    streams: config.streams,
    keyOf,
    hub,
    blockMs: config.readBlockMs,
    count: config.readCount,
    batchBytes: Math.floor(config.clientBufferBytes / 4),
    maxEntryBytes: config.maxEntryBytes,
    rebuildEntries: config.snapshotRebuildEntries,
    log,
    onEntries: (entries) => {
      for (const entry of entries) {
        if (entry.skipReason === undefined || skippedKinds.has(entry.skipReason)) continue;
        skippedKinds.add(entry.skipReason); // logged once per kind, counted always
        log.warn('skipped a stream entry', {
          reason: entry.skipReason,
          stream: entry.stream,
          id: entry.id,
        });
      }
    },
    onStateChange: (state) => {
      if (state === 'ready') log.info('reading from redis', { streams: config.streams });
    },
  });
  const authenticator = createAuthenticator({
    tokens: config.authTokens,
    jwtSecret: config.authJwtSecret,
    jwtPublicKeyPem: readKeyFile(config.authJwtPublicKeyFile, 'AUTH_JWT_PUBLIC_KEY_FILE'),
    jwks: parseJwks(readKeyFile(config.authJwksFile, 'AUTH_JWKS_FILE')),
  });
  let draining = false;
  const app = createApp({
    config,
    hub,
    admission,
    log,
    isDraining: () => draining,
    replay: {
      hub,
      redis: commands,
      keyOf,
      limiter: new Limiter(config.maxCatchups),
      pageSize: 500,
      maxEntryBytes: config.maxEntryBytes,
      log,
    },
    cors: createCors(config.corsOrigins),
    authenticate: authenticator ? (request, url) => authenticator.authenticate(request, url) : undefined,
    health: () => {
      const redisReady = reader.state === 'ready' && commands.status === 'ready';
      const status = draining ? 'draining' : redisReady ? 'ok' : 'redis_unavailable';
      return {
        status: status === 'ok' ? 200 : 503,
        body: { status, clients: hub.clients.size, redis: reader.state },
      };
    },
    metrics: async () => ({ contentType: 'text/plain; version=0.0.4', body: '' }),
    staticFiles: await loadStaticFiles(PUBLIC_DIR),
  });
  const stopHeartbeat = startHeartbeat(hub.clients, config.heartbeatMs);
  reader.start();

  const shutdownFrame = new TextEncoder().encode(
    encodeFrame({ event: 'shutdown', data: JSON.stringify({ reason: 'draining' }) }),
  );
  return {
    app,
    hub,
    reader,
    drain: async (timeoutMs) => {
      draining = true;
      for (const client of hub.clients) client.close('shutdown', shutdownFrame);
      const deadline = Date.now() + timeoutMs;
      while (hub.clients.size > 0 && Date.now() < deadline) await delay(20);
    },
    stop: async () => {
      stopHeartbeat();
      await reader.stop();
      commands.disconnect(false);
    },
  };
}

function readKeyFile(path: string | undefined, variable: string): string | undefined {
  if (path === undefined) return undefined;
  try {
    return readFileSync(path, 'utf8');
  } catch (cause) {
    throw new GatewayError('invalid_config', `${variable} ${path} cannot be read`, { cause });
  }
}

function parseJwks(text: string | undefined): object | undefined {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as object;
  } catch (cause) {
    throw new GatewayError('invalid_config', 'AUTH_JWKS_FILE does not hold JSON', { cause });
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
