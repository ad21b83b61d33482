/** /metrics after real traffic, on a real gateway process of each runtime and a real Redis. */
import { describe, expect, test } from 'bun:test';
import { useGateway } from '../helpers/fixture.ts';
import type { Runtime } from '../helpers/gateway-process.ts';
import { waitUntil } from '../helpers/ports.ts';
import { publish } from '../helpers/redis-server.ts';
import { openSse } from '../helpers/sse-client.ts';
import { type Scrape, parseScrape } from '../helpers/metrics-text.ts';

const CHAIN = 'sse:chain-feed';
const SERIES = 'sse:timeseries';
const TOKEN_IN_URL = 'tok-must-not-leak-7f3a';

for (const runtime of ['bun', 'node'] as const satisfies readonly Runtime[]) {
  describe(`/metrics on ${runtime}`, () => {
    const fixture = useGateway(runtime, { MAX_ENTRY_BYTES: '2048', LOG_LEVEL: 'debug' });
    const { connect } = fixture;
    const scrape = async (): Promise<Scrape> => {
      const response = await fetch(`${fixture.gateway.url}/metrics`);
      expect(response.status).toBe(200);
      return parseScrape(await response.text());
    };

    test('serves the Prometheus text format and says which runtime it runs on', async () => {
      const response = await fetch(`${fixture.gateway.url}/metrics`);
      expect(response.headers.get('content-type')).toStartWith('text/plain; version=0.0.4');
      const metrics = parseScrape(await response.text());
      expect(metrics.value('sse_gateway_info', { runtime })).toBe(1);
      expect(metrics.value('sse_gateway_redis_up')).toBe(1);
      // prom-client's process metrics crashed on some Bun releases (oven-sh/bun#17716).
      expect(metrics.value('process_resident_memory_bytes')).toBeGreaterThan(0);
      expect(metrics.value('nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
    });

    test('moves clients, events, skipped entries and lag after real traffic', async () => {
      const before = await scrape();
      const one = await connect(`/sse/chain-feed?token=${TOKEN_IN_URL}`);
      const both = await connect('/sse?streams=chain-feed,timeseries');
      const during = await scrape();
      expect(during.value('sse_gateway_clients', { stream: 'chain-feed' })).toBe(2);
      expect(during.value('sse_gateway_clients', { stream: 'timeseries' })).toBe(1);
      expect(during.value('sse_gateway_connections')).toBe(2);

      for (let seq = 1; seq <= 3; seq++)
        await publish(fixture.redis.client, CHAIN, { symbol: 'SPX', seq });
      await publish(fixture.redis.client, CHAIN, '{not json');
      await fixture.redis.client.xadd(CHAIN, '*', 'symbol', 'SPX');
      await publish(fixture.redis.client, CHAIN, { symbol: 'SPX', pad: 'x'.repeat(4096) });
      await publish(fixture.redis.client, SERIES, { t: 1 });
      await one.waitForEvents(3);
      await both.waitForEvents(4);

      const after = await scrape();
      const grew = (name: string, labels?: Record<string, string>) =>
        (after.value(name, labels) ?? 0) - (before.value(name, labels) ?? 0);
      expect(grew('sse_gateway_events_delivered_total')).toBe(7); // 3 + 3 + 1
      expect(grew('sse_gateway_bytes_delivered_total')).toBeGreaterThan(7 * 40);
      expect(grew('sse_gateway_entries_read_total', { stream: 'chain-feed' })).toBe(6);
      expect(grew('sse_gateway_entries_read_total', { stream: 'timeseries' })).toBe(1);
      expect(grew('sse_gateway_entries_skipped_total', { reason: 'invalid_json' })).toBe(1);
      expect(grew('sse_gateway_entries_skipped_total', { reason: 'missing_json' })).toBe(1);
      expect(grew('sse_gateway_entries_skipped_total', { reason: 'too_large' })).toBe(1);
      expect(grew('sse_gateway_xread_batch_entries_count')).toBeGreaterThanOrEqual(1);
      expect(grew('sse_gateway_xread_batch_entries_sum')).toBe(7);
      const lagCount = { stream: 'chain-feed' };
      expect(grew('sse_gateway_delivery_lag_seconds_count', lagCount)).toBeGreaterThanOrEqual(1);
      expect(grew('sse_gateway_delivery_lag_seconds_count', { stream: 'timeseries' })).toBe(1);
      // Loopback delivery takes milliseconds: every observation sits in the 5 s bucket.
      const within5s = { stream: 'timeseries', le: '5' };
      expect(grew('sse_gateway_delivery_lag_seconds_bucket', within5s)).toBe(1);

      one.close();
      both.close();
      await waitUntil(async () => (await scrape()).value('sse_gateway_connections') === 0, 5000);
      const closed = await scrape();
      const gone = { reason: 'client_gone' };
      expect(
        (closed.value('sse_gateway_disconnects_total', gone) ?? 0) -
          (before.value('sse_gateway_disconnects_total', gone) ?? 0),
      ).toBe(2);
      expect(closed.value('sse_gateway_clients', { stream: 'chain-feed' })).toBe(0);
    });

    test('counts connects by kind and refused requests by error code', async () => {
      const before = await scrape();
      const resumed = await connect('/sse/chain-feed', { 'Last-Event-ID': '0-0' });
      const unknown = await openSse(`${fixture.gateway.url}/sse/no-such-stream`);
      const badQuery = await openSse(`${fixture.gateway.url}/sse?streams=chain-feed,`);
      expect([unknown.status, badQuery.status]).toEqual([404, 400]);
      const after = await scrape();
      const grew = (name: string, labels: Record<string, string>) =>
        (after.value(name, labels) ?? 0) - (before.value(name, labels) ?? 0);
      expect(grew('sse_gateway_connects_total', { kind: 'resumed' })).toBe(1);
      expect(grew('sse_gateway_connects_total', { kind: 'new' })).toBe(0);
      expect(grew('sse_gateway_rejected_connects_total', { code: 'unknown_stream' })).toBe(1);
      expect(grew('sse_gateway_rejected_connects_total', { code: 'invalid_query' })).toBe(1);
      resumed.close();
    });

    test('labels no series by symbol or token, and logs no token', async () => {
      const text = await (await fetch(`${fixture.gateway.url}/metrics`)).text();
      expect(text).not.toContain('SPX');
      expect(text).not.toContain(TOKEN_IN_URL);
      const labelNames = new Set(parseScrape(text).samples.flatMap((s) => Object.keys(s.labels)));
      for (const forbidden of ['symbol', 'token', 'url', 'ip', 'client']) {
        expect(labelNames.has(forbidden)).toBe(false);
      }
      expect(fixture.gateway.output()).not.toContain(TOKEN_IN_URL);
    });

    test('logs one debug line per connect and per disconnect, with the URL redacted', () => {
      const lines = fixture.gateway
        .output()
        .split('\n')
        .filter((line) => line.startsWith('{'));
      const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
      const connected = records.filter((r) => r.msg === 'client connected');
      const disconnected = records.filter((r) => r.msg === 'client disconnected');
      // 3 streams opened by the tests above; 2 of them closed and seen gone so far at least.
      expect(connected.length).toBe(3);
      expect(connected.every((r) => r.level === 'debug')).toBe(true);
      expect(connected.map((r) => r.url)).toContain('/sse/chain-feed?token=[REDACTED]');
      expect(disconnected.length).toBeGreaterThanOrEqual(2);
      expect(disconnected.length).toBeLessThanOrEqual(3);
      expect(disconnected[0]).toMatchObject({ level: 'debug', reason: 'client_gone' });
      expect(records.filter((r) => r.msg === 'client rejected').length).toBe(2);
    });

    test('counts Redis reconnects and shows Redis down while it is away', async () => {
      fixture.redis.client.on('error', () => {}); // the test's own client loses Redis too, on purpose
      await fixture.redis.kill();
      await waitUntil(async () => (await scrape()).value('sse_gateway_redis_up') === 0, 10_000);
      await fixture.redis.restart();
      await waitUntil(
        async () => {
          const metrics = await scrape();
          return (
            metrics.value('sse_gateway_redis_up') === 1 &&
            (metrics.value('sse_gateway_redis_reconnects_total', { connection: 'reader' }) ?? 0) >=
              1
          );
        },
        15_000,
        'a counted reconnect',
      );
      const metrics = await scrape();
      const commands = { connection: 'commands' };
      expect(metrics.value('sse_gateway_redis_reconnects_total', commands)).toBeGreaterThanOrEqual(
        1,
      );
    });
  });
}
