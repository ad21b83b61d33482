/** Reader metrics: what one XREAD batch adds to the counters and histograms. */
import { describe, expect, test } from 'bun:test';
import { Registry } from 'prom-client';
import { createReaderMetrics } from '../../src/metrics/reader-metrics.ts';
import type { Entry, SkipReason } from '../../src/redis/entry.ts';
import { parseScrape } from '../helpers/metrics-text.ts';

const NOW = 1_800_000_000_000;

function entry(stream: string, ageMs: number, skipReason?: SkipReason): Entry {
  const payload = skipReason === undefined ? '{}' : undefined;
  const id = `${NOW - ageMs}-0`;
  return { stream, id, payload, skipReason, symbol: undefined, value: undefined };
}

async function observe(batches: Entry[][]) {
  const registry = new Registry();
  const metrics = createReaderMetrics(registry, ['a', 'b']);
  for (const batch of batches) metrics.observeBatch(batch, NOW);
  return parseScrape(await registry.metrics());
}

describe('reader metrics', () => {
  test("observes each stream's oldest forwarded entry once per batch", async () => {
    const scrape = await observe([[entry('a', 3000), entry('a', 10), entry('b', 20)]]);
    expect(scrape.value('sse_gateway_delivery_lag_seconds_count', { stream: 'a' })).toBe(1);
    expect(scrape.value('sse_gateway_delivery_lag_seconds_sum', { stream: 'a' })).toBe(3);
    expect(scrape.value('sse_gateway_delivery_lag_seconds_sum', { stream: 'b' })).toBe(0.02);
  });

  test('leaves skipped entries out of the lag but counts them by reason', async () => {
    const scrape = await observe([
      [entry('a', 9000, 'invalid_json'), entry('a', 5, undefined), entry('a', 1, 'too_large')],
    ]);
    expect(scrape.value('sse_gateway_delivery_lag_seconds_sum', { stream: 'a' })).toBe(0.005);
    expect(scrape.value('sse_gateway_entries_skipped_total', { reason: 'invalid_json' })).toBe(1);
    expect(scrape.value('sse_gateway_entries_skipped_total', { reason: 'too_large' })).toBe(1);
    expect(scrape.value('sse_gateway_entries_skipped_total', { reason: 'missing_json' })).toBe(0);
    expect(scrape.value('sse_gateway_entries_read_total', { stream: 'a' })).toBe(3);
  });

  test('clamps an entry from a Redis clock ahead of ours to zero lag', async () => {
    const scrape = await observe([[entry('b', -2000)]]);
    expect(scrape.value('sse_gateway_delivery_lag_seconds_sum', { stream: 'b' })).toBe(0);
    expect(
      scrape.value('sse_gateway_delivery_lag_seconds_bucket', { stream: 'b', le: '0.001' }),
    ).toBe(1);
  });

  test('records every batch size, skipped entries included', async () => {
    const scrape = await observe([[entry('a', 1)], [entry('a', 1), entry('b', 1, 'missing_json')]]);
    expect(scrape.value('sse_gateway_xread_batch_entries_count')).toBe(2);
    expect(scrape.value('sse_gateway_xread_batch_entries_sum')).toBe(3);
    expect(scrape.value('sse_gateway_xread_batch_entries_bucket', { le: '1' })).toBe(1);
    expect(scrape.value('sse_gateway_entries_read_total', { stream: 'b' })).toBe(1);
  });
});
