/** A test file's private Redis and gateway process, started before and stopped after its tests. */
import { afterAll, beforeAll } from 'bun:test';
import { type GatewayProcess, type Runtime, startGateway } from './gateway-process.ts';
import { waitUntil } from './ports.ts';
import { type RedisServer, startRedis } from './redis-server.ts';
import { type SseConnection, openSse } from './sse-client.ts';

export type GatewayFixture = {
  readonly redis: RedisServer;
  readonly gateway: GatewayProcess;
  /** Opens a stream (closed after the file's tests); waits for `connected` on a 200. */
  connect: (path: string, headers?: Record<string, string>) => Promise<SseConnection>;
};

/**
 * Registers beforeAll/afterAll that start a redis-server and a gateway of `runtime` reading
 * it (with `env` on top), wait until /health is 200, and stop both afterwards.
 */
export function useGateway(runtime: Runtime, env: Record<string, string> = {}): GatewayFixture {
  let redis: RedisServer | undefined;
  let gateway: GatewayProcess | undefined;
  const open: SseConnection[] = [];
  beforeAll(async () => {
    redis = await startRedis();
    gateway = await startGateway(runtime, { REDIS_URL: redis.url, ...env });
    const url = gateway.url;
    await waitUntil(async () => (await fetch(`${url}/health`)).ok, 10_000, 'health');
  });
  afterAll(async () => {
    for (const connection of open) connection.close();
    await gateway?.stop('SIGKILL');
    await redis?.stop();
  });
  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is not started yet (use it inside a test)`);
    return value;
  };
  return {
    get redis() {
      return started(redis, 'redis');
    },
    get gateway() {
      return started(gateway, 'gateway');
    },
    connect: async (path, headers = {}) => {
      const connection = await openSse(`${started(gateway, 'gateway').url}${path}`, headers);
      open.push(connection);
      if (connection.status === 200) {
        await connection.waitForEvents(1, 5000, (e) => e.type === 'connected');
      }
      return connection;
    },
  };
}
