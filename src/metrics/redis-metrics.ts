/** Redis connection health on /metrics: up or not, and how often each connection came back. */
import type { RedisClient } from '../redis/connection.ts';
import { Counter, Gauge, type Registry } from 'prom-client';

export type RedisMetrics = {
  /** Counts reconnects of an ioredis client; call before its first connect can finish. */
  watch: (connection: string, redis: RedisClient) => void;
};

export function createRedisMetrics(registry: Registry, redisUp: () => boolean): RedisMetrics {
  new Gauge({
    name: 'sse_gateway_redis_up',
    help: '1 while the Redis connections are ready, else 0',
    registers: [registry],
    collect() {
      this.set(redisUp() ? 1 : 0);
    },
  });
  const reconnects = new Map<string, number>();
  new Counter({
    name: 'sse_gateway_redis_reconnects_total',
    help: 'Times a Redis connection became ready again after its first connect',
    labelNames: ['connection'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [connection, count] of reconnects) this.inc({ connection }, count);
    },
  });
  return {
    watch: (connection, redis) => {
      // ioredis emits `ready` on the first connect and on every reconnect after it.
      let readies = 0;
      reconnects.set(connection, 0);
      redis.on('ready', () => {
        readies++;
        reconnects.set(connection, Math.max(0, readies - 1));
      });
    },
  };
}
