/** The gateway's main behaviours, run against a real process of each runtime and a real Redis. */
import { describe, expect, test } from 'bun:test';
import { useGateway } from '../helpers/fixture.ts';
import type { Runtime } from '../helpers/gateway-process.ts';
import { waitUntil } from '../helpers/ports.ts';
import { publish } from '../helpers/redis-server.ts';

const CHAIN = 'sse:chain-feed';
const SERIES = 'sse:timeseries';

export function gatewaySuite(runtime: Runtime): void {
  describe(`gateway on ${runtime}`, () => {
    const fixture = useGateway(runtime, { HEARTBEAT_MS: '400', MAX_ENTRY_BYTES: '4096' });
    const { connect } = fixture;

    test('opens with retry and a connected event, and stream headers', async () => {
      const sse = await connect('/sse/chain-feed');
      expect(sse.status).toBe(200);
      expect(sse.headers.get('content-type')).toBe('text/event-stream');
      expect(sse.headers.get('cache-control')).toBe('no-cache, no-transform');
      expect(sse.headers.get('x-accel-buffering')).toBe('no');
      expect(sse.headers.get('content-length')).toBeNull();
      expect(sse.headers.get('connection')).toBeNull();
      expect(sse.raw()).toMatch(/^retry: \d+\nevent: connected\ndata: \{"status":"ok",/);
      expect(JSON.parse(sse.events[0]?.data ?? '')).toMatchObject({ status: 'ok' });
      sse.close();
    });

    test('sends each entry as id, event chain and the payload byte for byte', async () => {
      const sse = await connect('/sse/chain-feed');
      const payload = '{"symbol":"SPX",  "bid":1.50,"note":"é"}';
      const id = await publish(fixture.redis.client, CHAIN, payload);
      const [event] = await sse.waitForEvents(1);
      expect(event).toEqual({ type: 'chain', data: payload, id });
      expect(sse.raw()).toContain(`id: ${id}\nevent: chain\ndata: ${payload}\n\n`);
      sse.close();
    });

    test('turns line breaks inside a payload into separate data lines (case 001)', async () => {
      const sse = await connect('/sse/chain-feed?symbols=SPX');
      const payloads = [
        '{"symbol":"SPX",\n"seq":1}',
        '{"symbol":"SPX",\r\r"seq":2}',
        '{"symbol":"SPX",\r\n\r\n"seq":3}',
        '{"symbol":"SPX","seq":4,"note":"a\u2028b\u0085c"}\n',
      ];
      for (const payload of payloads) await publish(fixture.redis.client, CHAIN, payload);
      const events = await sse.waitForEvents(4);
      expect(events.map((e) => JSON.parse(e.data).seq)).toEqual([1, 2, 3, 4]);
      expect(events.map((e) => JSON.parse(e.data))).toEqual(payloads.map((p) => JSON.parse(p)));
      expect(sse.raw()).not.toContain('\r');
      expect(sse.raw()).toContain('data: {"symbol":"SPX",\ndata: "seq":1}\n');
      expect(sse.raw()).toContain('b\u0085c"}\ndata: \n\n');
      sse.close();
    });

    test('carries two streams on one connection with a cursor over both', async () => {
      const sse = await connect('/sse?streams=chain-feed,timeseries');
      const chainId = await publish(fixture.redis.client, CHAIN, { symbol: 'SPX', seq: 1 });
      const seriesId = await publish(fixture.redis.client, SERIES, { symbol: 'SPX', spot: 5000 });
      const events = await sse.waitForEvents(2);
      expect(events.map((e) => e.type)).toEqual(['chain', 'timeseries']);
      expect(events[0]?.id).toStartWith(`chain-feed=${chainId};timeseries=`);
      expect(events[1]?.id).toBe(`chain-feed=${chainId};timeseries=${seriesId}`);
      sse.close();
    });

    test('filters by symbol, case-insensitively, from the field or the payload', async () => {
      const sse = await connect('/sse/chain-feed?symbols=spx,Qqq');
      await publish(fixture.redis.client, CHAIN, { symbol: 'SPX', seq: 1 });
      await publish(fixture.redis.client, CHAIN, { symbol: 'IWM', seq: 2 });
      await publish(fixture.redis.client, CHAIN, { seq: 3 });
      await publish(fixture.redis.client, CHAIN, { seq: 4 }, 'qqq');
      await publish(fixture.redis.client, CHAIN, { symbol: 'QQQ', seq: 5 }, 'IWM');
      await publish(fixture.redis.client, CHAIN, { symbol: 'QQQ', seq: 6 });
      const events = await sse.waitForEvents(3);
      await Bun.sleep(100); // a wrongly delivered entry would arrive in this window
      expect(sse.entries().map((e) => JSON.parse(e.data).seq)).toEqual([1, 4, 6]);
      sse.close();
      expect(events.length).toBe(3);
    });

    test('sends heartbeat comments to an idle client, without id, event or data', async () => {
      const sse = await connect('/sse/timeseries?symbols=NOPE');
      await sse.waitForComments(2, 3000);
      expect(sse.raw()).toMatch(/\n\n: [^\n]*\n\n: [^\n]*\n\n$/);
      expect(sse.entries()).toEqual([]);
      sse.close();
    });

    test('counts clients up and down on /health', async () => {
      const count = async () =>
        (await (await fetch(`${fixture.gateway.url}/health`)).json()).clients;
      const before = await count();
      const a = await connect('/sse/chain-feed');
      const b = await connect('/sse?streams=timeseries');
      expect(await count()).toBe(before + 2);
      a.close();
      b.close();
      await waitUntil(async () => (await count()) === before, 5000, 'clients to leave');
    });

    test('answers an unknown stream, a bad query and a bad cursor with JSON errors', async () => {
      const unknown = await connect('/sse/nope');
      expect(unknown.status).toBe(404);
      expect(JSON.parse(unknown.body).error.code).toBe('unknown_stream');
      const badQuery = await connect('/sse?streams=chain-feed,,timeseries');
      expect(badQuery.status).toBe(400);
      expect(JSON.parse(badQuery.body).error.code).toBe('invalid_query');
      const badCursor = await connect('/sse/chain-feed', { 'Last-Event-ID': 'abc' });
      expect(badCursor.status).toBe(400);
      expect(JSON.parse(badCursor.body).error.code).toBe('invalid_last_event_id');
      expect(badCursor.headers.get('content-type')).toStartWith('application/json');
    });

    test('skips entries without json, with bad json or too large, and keeps going', async () => {
      const a = await connect('/sse/chain-feed');
      const b = await connect('/sse/chain-feed');
      await publish(fixture.redis.client, CHAIN, { seq: 1 });
      await fixture.redis.client.xadd(CHAIN, '*', 'other', 'x');
      await publish(fixture.redis.client, CHAIN, '{"seq": 2');
      await publish(fixture.redis.client, CHAIN, { seq: 3, pad: 'x'.repeat(5000) });
      await fixture.redis.client.xadd(CHAIN, '*', 'json', Buffer.from([0x7b, 0xff, 0x7d]));
      await publish(fixture.redis.client, CHAIN, { seq: 4 });
      for (const sse of [a, b]) {
        await sse.waitForEvents(2);
        expect(sse.entries().map((e) => JSON.parse(e.data).seq)).toEqual([1, 4]);
      }
      expect(fixture.gateway.output()).toContain('"reason":"invalid_json"');
    });

    test('resumes from Last-Event-ID exactly once while publishing continues', async () => {
      const first = await connect('/sse/chain-feed?symbols=RES');
      let seq = 0;
      let publishing = true;
      const publisher = (async () => {
        while (publishing && seq < 2000) {
          await publish(fixture.redis.client, CHAIN, { symbol: 'RES', seq: ++seq });
        }
      })();
      await first.waitForEvents(50, 10_000);
      first.close();
      const lastId = first.entries().at(-1)?.id as string;
      const seen = first.entries().map((e) => JSON.parse(e.data).seq as number);
      await Bun.sleep(50); // entries keep arriving while the client is away
      const second = await connect('/sse/chain-feed?symbols=RES', { 'Last-Event-ID': lastId });
      await second.waitForEvents(200, 10_000);
      publishing = false;
      await publisher;
      await second.waitForEvents(seq - seen.length, 10_000);
      const all = [...seen, ...second.entries().map((e) => JSON.parse(e.data).seq as number)];
      expect(all).toEqual(Array.from({ length: seq }, (_, i) => i + 1));
      second.close();
    });

    test('delivers every entry in order to 200 concurrent clients', async () => {
      const clients = await Promise.all(
        Array.from({ length: 200 }, () => connect('/sse/chain-feed?symbols=FAN')),
      );
      for (let seq = 1; seq <= 100; seq++) {
        await publish(fixture.redis.client, CHAIN, { symbol: 'FAN', seq });
      }
      const expected = Array.from({ length: 100 }, (_, i) => i + 1);
      for (const sse of clients) {
        await sse.waitForEvents(100, 15_000);
        expect(sse.entries().map((e) => JSON.parse(e.data).seq)).toEqual(expected);
        sse.close();
      }
    });
  });
}
