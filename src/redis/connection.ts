/** ioredis clients: one dedicated to the blocking reader, one for every other command. */
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import type { Config } from '../config.ts';

export type RedisRole = 'reader' | 'commands';

/** A standalone or Sentinel-managed connection, or a Cluster client. */
export type RedisClient = Redis | Cluster;

/** Backoff between reconnect attempts: 100 ms doubling up to 2 s, forever. */
export function reconnectDelay(attempt: number): number {
  return Math.min(2000, 100 * 2 ** Math.min(attempt, 5));
}

/**
 * The reader must not have its XREAD re-sent after a reconnect: a re-sent blocking read can
 * hang forever (ioredis#1285), so it re-issues the read itself from its own last IDs. Both
 * connections fail fast while Redis is away instead of queueing, so /health and replays
 * report the outage instead of waiting on it.
 */
export function createRedis(config: Config, role: RedisRole): RedisClient {
  const options: RedisOptions = {
    connectionName: `sse-gateway:${role}`,
    lazyConnect: true,
    enableOfflineQueue: false,
    autoResendUnfulfilledCommands: false,
    maxRetriesPerRequest: 0,
    retryStrategy: reconnectDelay,
    connectTimeout: 5000,
    // A half-open socket is noticed by the reader's own watchdog; keep-alive helps the rest.
    keepAlive: 10_000,
  };
  const redis = connect(config, options);
  // Outages are reported once by the reader and by /health; without a listener ioredis
  // would print every failed reconnect attempt.
  redis.on('error', () => {});
  return redis;
}

function connect(config: Config, options: RedisOptions): RedisClient {
  const url = new URL(config.redisUrl);
  const credentials = {
    password: url.password ? decodeURIComponent(url.password) : undefined,
    username: url.username ? decodeURIComponent(url.username) : undefined,
  };
  if (config.redisClusterNodes.length > 0) {
    const { lazyConnect, retryStrategy, enableOfflineQueue, ...perNode } = options;
    return new Cluster(
      config.redisClusterNodes.map((node) => hostPort(node, 6379)),
      {
        lazyConnect,
        enableOfflineQueue,
        clusterRetryStrategy: (attempt) => reconnectDelay(attempt),
        redisOptions: { ...perNode, ...credentials },
      },
    );
  }
  if (config.redisSentinels.length > 0) {
    return new Redis({
      ...options,
      ...credentials,
      sentinels: config.redisSentinels.map((node) => hostPort(node, 26379)),
      name: config.redisSentinelName,
    });
  }
  return new Redis(config.redisUrl, options);
}

function hostPort(text: string, defaultPort: number): { host: string; port: number } {
  const at = text.lastIndexOf(':');
  if (at < 0) return { host: text, port: defaultPort };
  return { host: text.slice(0, at), port: Number(text.slice(at + 1)) };
}
