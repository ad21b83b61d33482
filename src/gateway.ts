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
import { createGatewayMetrics } from './metrics/gateway-metrics.ts';
import { createRedis } from './redis/connection.ts';
import type { SkipReason } from './redis/entry.ts';
import { type ReaderPool, createReaderPool } from './redis/reader-pool.ts';
import { encodeFrame } from './sse/frame.ts';

export type Gateway = {
  app: Hono<AppEnv>;
  hub: Broadcaster;
  readers: ReaderPool;
  /**
   * Ends every client with a `shutdown` event (flushed before its stream closes) and answers
   * new ones the same way. Clients leave at once; the server's stop waits for the flush.
   */
  drain: () => void;
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
  const commands = createRedis(config, 'commands');
  commands.connect().catch(() => {
    // ioredis keeps retrying; /health reports the outage meanwhile.
  });
  const admission = new Admission(config.maxClients, config.maxClientsPerKey);
  const skippedKinds = new Set<SkipReason>();
  const pool = createReaderPool(config, {
    hub,
    keyOf,
    log,
    onEntries: (entries) => {
      metrics.reader.observeBatch(entries);
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
  });
  const redisReady = () => pool.state() === 'ready' && commands.status === 'ready';
  const metrics = createGatewayMetrics({
    hub,
    admission,
    streams: config.streams,
    log,
    redisUp: redisReady,
  });
  pool.connections.forEach((redis, index) => metrics.watchRedis(`reader${index || ''}`, redis));
  metrics.watchRedis('commands', commands);
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
    onClose: metrics.connections.onClose,
    observeStream: metrics.connections.observe,
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
    authenticate: authenticator
      ? (request, url) => authenticator.authenticate(request, url)
      : undefined,
    health: () => {
      const status = draining ? 'draining' : redisReady() ? 'ok' : 'redis_unavailable';
      return {
        status: status === 'ok' ? 200 : 503,
        body: { status, clients: hub.clients.size, redis: pool.state() },
      };
    },
    metrics: metrics.render,
    staticFiles: await loadStaticFiles(PUBLIC_DIR),
  });
  const stopHeartbeat = startHeartbeat(hub.clients, config.heartbeatMs);
  pool.start();

  const shutdownFrame = new TextEncoder().encode(
    encodeFrame({ event: 'shutdown', data: JSON.stringify({ reason: 'draining' }) }),
  );
  return {
    app,
    hub,
    readers: pool,
    drain: () => {
      draining = true;
      for (const client of hub.clients) client.close('shutdown', shutdownFrame);
    },
    stop: async () => {
      stopHeartbeat();
      await pool.stop();
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
