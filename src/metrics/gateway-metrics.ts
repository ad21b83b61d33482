/** The gateway's /metrics: one prom-client Registry per gateway, mostly read at scrape time. */
import { readFileSync } from 'node:fs';
import type { RedisClient } from '../redis/connection.ts';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { Admission } from '../hub/admission.ts';
import type { Broadcaster } from '../hub/broadcaster.ts';
import type { Logger } from '../log.ts';
import { type ConnectionMetrics, createConnectionMetrics } from './connection-metrics.ts';
import { type ReaderMetrics, createReaderMetrics } from './reader-metrics.ts';
import { createRedisMetrics } from './redis-metrics.ts';

export type MetricsSources = {
  hub: Broadcaster;
  admission: Admission;
  /** Configured stream names: the only values the `stream` label takes. */
  streams: readonly string[];
  /** Whether both Redis connections are usable, as /health judges it. */
  redisUp: () => boolean;
  log: Logger;
};

export type MetricsOptions = {
  /**
   * prom-client's process and runtime metrics (memory, CPU, file descriptors, event loop
   * lag, GC). They start observers that live as long as the process, so tests that build
   * many gateways in one process turn them off. Default true.
   */
  processMetrics?: boolean;
};

export type GatewayMetrics = {
  reader: ReaderMetrics;
  connections: ConnectionMetrics;
  /** Counts reconnects of an ioredis client; call before its first connect. */
  watchRedis: (connection: string, redis: RedisClient) => void;
  /** The Prometheus text exposition of every metric. */
  render: () => Promise<{ contentType: string; body: string }>;
};

export function createGatewayMetrics(
  sources: MetricsSources,
  { processMetrics = true }: MetricsOptions = {},
): GatewayMetrics {
  const { hub, admission, streams, log } = sources;
  const registry = new Registry();
  if (processMetrics) enableProcessMetrics(registry, log);

  const [runtime, runtimeVersion] = process.versions.bun
    ? ['bun', process.versions.bun]
    : ['node', process.versions.node];
  new Gauge({
    name: 'sse_gateway_info',
    help: 'Always 1; labels name the gateway version and the runtime it runs on',
    labelNames: ['version', 'runtime', 'runtime_version'],
    registers: [registry],
  }).set({ version: packageVersion(), runtime, runtime_version: runtimeVersion }, 1);
  gauge(
    registry,
    'sse_gateway_connections',
    'Open event streams, live or replaying',
    () => hub.clients.size,
  );
  new Gauge({
    name: 'sse_gateway_clients',
    help: 'Open event streams per stream (a multi-stream connection counts in each)',
    labelNames: ['stream'],
    registers: [registry],
    collect() {
      const counts = new Map<string, number>(streams.map((stream) => [stream, 0]));
      for (const client of hub.clients) {
        for (const stream of client.subscription.streams) {
          counts.set(stream, (counts.get(stream) ?? 0) + 1);
        }
      }
      for (const [stream, count] of counts) this.set({ stream }, count);
    },
  });
  const { stats } = hub;
  const mirrored: ReadonlyArray<[name: string, help: string, read: () => number]> = [
    [
      'sse_gateway_events_delivered_total',
      'Entry events queued to clients by live fan-out',
      () => stats.eventsQueued,
    ],
    ['sse_gateway_bytes_delivered_total', 'Bytes of those events', () => stats.bytesQueued],
    [
      'sse_gateway_conflated_clients_total',
      'Slow clients switched to conflation instead of being evicted',
      () => stats.conflatedClients,
    ],
    [
      'sse_gateway_conflated_entries_total',
      "Entries dropped from a conflated client's backlog for a newer one of the same instrument",
      () => stats.conflatedEntries,
    ],
  ];
  for (const [name, help, read] of mirrored) counter(registry, name, help, read);

  const redisMetrics = createRedisMetrics(registry, sources.redisUp);

  return {
    reader: createReaderMetrics(registry, streams),
    connections: createConnectionMetrics(registry, admission, log),
    watchRedis: redisMetrics.watch,
    render: async () => ({ contentType: registry.contentType, body: await registry.metrics() }),
  };
}

/**
 * Some Bun releases broke prom-client's default metrics (oven-sh/bun#17716: a TypeError
 * from monitorEventLoopDelay in 1.2.3/1.2.4). Bun 1.4.5 runs them; should a later runtime
 * break them again, the gateway serves its own metrics without them rather than not start.
 */
function enableProcessMetrics(registry: Registry, log: Logger): void {
  try {
    collectDefaultMetrics({ register: registry });
  } catch (error) {
    log.warn('process metrics are unavailable on this runtime', { error: String(error) });
  }
}

function gauge(registry: Registry, name: string, help: string, read: () => number): void {
  new Gauge({
    name,
    help,
    registers: [registry],
    collect() {
      this.set(read());
    },
  });
}

/** A counter mirroring a number the gateway keeps anyway, read at scrape time. */
function counter(registry: Registry, name: string, help: string, read: () => number): void {
  new Counter({
    name,
    help,
    registers: [registry],
    collect() {
      this.reset();
      this.inc(read());
    },
  });
}

function packageVersion(): string {
  try {
    const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
    return String((JSON.parse(text) as { version?: unknown }).version ?? 'unknown');
  } catch {
    return 'unknown'; // a trimmed image without package.json still serves metrics
  }
}
