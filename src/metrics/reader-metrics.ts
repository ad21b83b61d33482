/** What the Redis reader hands out: batch sizes, entries read and skipped, and delivery lag. */
import { Counter, Histogram, type Registry } from 'prom-client';
import type { Entry, SkipReason } from '../redis/entry.ts';
import { idTimeMs } from '../redis/stream-id.ts';

export type ReaderMetrics = {
  /** Call once per XREAD batch, when the reader hands it to the broadcaster. */
  observeBatch(entries: readonly Entry[], nowMs?: number): void;
};

/** Lag buckets (seconds): a healthy gateway sits in the first few; minutes mean a backlog. */
const LAG_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
/** COUNT is per stream, so one batch can hold READ_COUNT x streams entries. */
const BATCH_BUCKETS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000];

/**
 * Per entry this costs a few integer additions; the histograms are observed once per batch
 * (and stream), because prom-client's `observe` costs ~300 ns, too much to pay per entry
 * at tens of thousands of entries per second. The lag observed for a stream is the age of
 * its oldest entry in the batch, so it is the worst lag of that batch.
 */
export function createReaderMetrics(registry: Registry, streams: readonly string[]): ReaderMetrics {
  const read = new Map<string, number>(streams.map((stream) => [stream, 0]));
  const skipped: Record<SkipReason, number> = {
    missing_json: 0,
    invalid_json: 0,
    too_large: 0,
    invalid_utf8: 0,
  };
  new Counter({
    name: 'sse_gateway_entries_read_total',
    help: 'Stream entries read from Redis, forwardable or not, per stream',
    labelNames: ['stream'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [stream, count] of read) this.inc({ stream }, count);
    },
  });
  new Counter({
    name: 'sse_gateway_entries_skipped_total',
    help: 'Stream entries not forwarded, by reason (missing_json, invalid_json, too_large, ...)',
    labelNames: ['reason'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [reason, count] of Object.entries(skipped)) this.inc({ reason }, count);
    },
  });
  const batchSize = new Histogram({
    name: 'sse_gateway_xread_batch_entries',
    help: 'Entries per XREAD batch, over all streams',
    buckets: BATCH_BUCKETS,
    registers: [registry],
  });
  const lag = new Histogram({
    name: 'sse_gateway_delivery_lag_seconds',
    help: "Age of a batch's oldest entry per stream (Redis ID time to hand-out), in seconds",
    labelNames: ['stream'],
    buckets: LAG_BUCKETS,
    registers: [registry],
  });
  const lagOf = new Map(streams.map((stream) => [stream, lag.labels({ stream })]));

  return {
    observeBatch(entries, nowMs = Date.now()) {
      batchSize.observe(entries.length);
      let current: string | undefined;
      for (const entry of entries) {
        read.set(entry.stream, (read.get(entry.stream) ?? 0) + 1);
        if (entry.skipReason !== undefined) {
          skipped[entry.skipReason]++;
          continue;
        }
        if (entry.stream === current) continue;
        // An XREAD reply holds each stream's entries together and in ID order.
        current = entry.stream;
        // Redis and gateway clocks may differ a little: a negative age is clamped to 0.
        const ageMs = Math.max(0, nowMs - idTimeMs(entry.id));
        lagOf.get(entry.stream)?.observe(ageMs / 1000);
      }
    },
  };
}
