/** Redis crashing under live clients, restarted empty or with its data, on both runtimes. */
import { afterEach, describe, expect, test } from 'bun:test';
import { Redis } from 'ioredis';
import { type GatewayProcess, type Runtime, startGateway } from '../helpers/gateway-process.ts';
import { waitUntil } from '../helpers/ports.ts';
import { type RawSse, isEntry, openRawSse } from '../helpers/raw-sse.ts';
import { type RedisServer, startRedis } from '../helpers/redis-server.ts';
import { range, report, seqOf, tally } from '../helpers/tally.ts';

const KEY = 'sse:chain-feed';
const PATHS = [
  '/sse/chain-feed',
  '/sse/chain-feed?symbols=SPX',
  '/sse?streams=chain-feed,timeseries',
];

async function publishRange(redis: RedisServer, from: number, to: number): Promise<void> {
  const pipeline = redis.client.pipeline();
  for (const seq of range(from, to)) {
    pipeline.xadd(KEY, '*', 'json', `{"symbol":"SPX","seq":${seq}}`);
  }
  await pipeline.exec();
}

const seqsOf = (sse: RawSse) => sse.events.filter(isEntry).map((e) => seqOf(e.data));
const lastSeq = (sse: RawSse) => seqsOf(sse).at(-1) ?? 0;
const label = (i: number) => PATHS[i] ?? 'joined while Redis was down';

for (const runtime of ['bun', 'node'] as Runtime[]) {
  describe(`Redis crash under live clients on ${runtime}`, () => {
    let redis: RedisServer | undefined;
    let gateway: GatewayProcess | undefined;
    const clients: RawSse[] = [];
    const health = async () => (await fetch(`${gateway?.url}/health`)).status;

    const setUp = async (persistent: boolean) => {
      redis = await startRedis({ persistent });
      gateway = await startGateway(runtime, {
        REDIS_URL: redis.url,
        HEARTBEAT_MS: '300',
      });
      await waitUntil(async () => (await health()) === 200, 15_000, 'health 200');
      for (const path of PATHS) clients.push(openRawSse({ port: gateway.port, path }));
      for (const sse of clients) await sse.waitFor(() => sse.events.length >= 1, 5000, 'connected');
      return { redis, gateway };
    };

    /** Kills Redis and checks what the contract promises while it is away. */
    const crash = async (redisServer: RedisServer) => {
      await redisServer.kill();
      await waitUntil(async () => (await health()) === 503, 10_000, 'health 503');
      expect((await fetch(`${gateway?.url}/livez`)).status).toBe(200);
      const before = clients.map((sse) => sse.stats.comments);
      for (const [i, sse] of clients.entries()) {
        const heard = before[i] as number;
        await sse.waitFor(() => sse.stats.comments >= heard + 2, 5000, 'heartbeats while down');
      }
      const during = openRawSse({ port: gateway?.port as number, path: '/sse/chain-feed' });
      expect((await during.head).status).toBe(200);
      clients.push(during);
      expect(clients.every((sse) => !sse.isClosed())).toBe(true);
    };

    afterEach(async () => {
      for (const sse of clients.splice(0)) sse.reset();
      await gateway?.stop('SIGKILL');
      await redis?.stop();
    });

    test('restarted empty: clients stay, 503 then 200, a recreated gap, entries once', async () => {
      const { redis: server } = await setUp(false);
      await publishRange(server, 1, 50);
      for (const sse of clients) await sse.waitFor(() => lastSeq(sse) === 50, 10_000, 'seq 50');
      await crash(server);
      await server.restart();
      await publishRange(server, 51, 100); // possibly before the gateway has reconnected
      await waitUntil(async () => (await health()) === 200, 15_000, 'health 200 again');
      await publishRange(server, 101, 150);
      for (const [i, sse] of clients.entries()) {
        await sse.waitFor(() => lastSeq(sse) === 150, 10_000, 'seq 150');
        const expected = i < PATHS.length ? range(1, 150) : range(51, 150);
        const result = tally(expected, seqsOf(sse));
        const gaps = sse.events.filter((e) => e.type === 'gap');
        report(`redis restarted empty on ${runtime} (${label(i)})`, result, {
          gaps: gaps.length,
          heartbeats: sse.stats.comments,
        });
        expect(seqsOf(sse)).toEqual(expected);
        expect(gaps.length).toBe(1);
        expect(JSON.parse(gaps[0]?.data as string)).toMatchObject({
          stream: 'chain-feed',
          reason: 'recreated',
        });
        const order = sse.events.map((e) => (isEntry(e) ? seqOf(e.data) : e.type));
        expect(order.indexOf('gap')).toBe(order.indexOf(51) - 1); // the gap comes right before 51
      }
    }, 60_000);

    test('a client that joined before Redis was ever up gets what is written after', async () => {
      redis = await startRedis();
      await redis.kill(); // the gateway starts into an outage: its reader has no position yet
      gateway = await startGateway(runtime, { REDIS_URL: redis.url, HEARTBEAT_MS: '300' });
      const early = openRawSse({ port: gateway.port, path: '/sse/chain-feed' });
      clients.push(early);
      expect((await early.head).status).toBe(200);
      await early.waitFor(() => early.events.length >= 1, 5000, 'connected');
      await early.waitFor(() => early.stats.comments >= 3, 5000, 'heartbeats while down');
      await redis.restart();
      // A fresh connection writes at once, before the reader's backoff lets it reconnect.
      const producer = new Redis({ host: '127.0.0.1', port: redis.port });
      const id = await producer.xadd(KEY, '*', 'json', '{"symbol":"SPX","seq":1}');
      producer.disconnect();
      await waitUntil(async () => (await health()) === 200, 15_000, 'health 200');
      await publishRange(redis, 2, 3);
      await early.waitFor(() => lastSeq(early) === 3, 10_000, 'seq 3');
      report(`joined before Redis was up on ${runtime}`, tally(range(1, 3), seqsOf(early)));
      expect(seqsOf(early)).toEqual([1, 2, 3]);
      expect(early.events.find(isEntry)?.id).toBe(id as string);
    }, 60_000);

    test('entries trimmed while the reader reconnects show as a trimmed gap', async () => {
      const { redis: server } = await setUp(false);
      await publishRange(server, 1, 10);
      for (const sse of clients) await sse.waitFor(() => lastSeq(sse) === 10, 10_000, 'seq 10');
      const list = (await server.client.call('CLIENT', 'LIST')) as string;
      const reader = list.split('\n').find((line) => line.includes('name=sse-gateway:reader'));
      const readerId = /id=(\d+)/.exec(reader ?? '')?.[1] ?? '';
      await server.client.call('CLIENT', 'KILL', 'ID', readerId);
      // Before the reader is back (its reconnect backs off), 90 more arrive and a cap of 5
      // trims away all but the last five: seq 11..95 are gone before the gateway saw them.
      const pipeline = server.client.pipeline();
      for (const seq of range(11, 100)) {
        pipeline.xadd(KEY, 'MAXLEN', '5', '*', 'json', `{"symbol":"SPX","seq":${seq}}`);
      }
      await pipeline.exec();
      for (const [i, sse] of clients.entries()) {
        await sse.waitFor(() => lastSeq(sse) === 100, 10_000, 'seq 100');
        const order = sse.events.map((e) => (isEntry(e) ? seqOf(e.data) : e.type));
        const gaps = sse.events.filter((e) => e.type === 'gap');
        const stillThere = [...range(1, 10), ...range(96, 100)];
        report(
          `trimmed while the reader was away on ${runtime} (${label(i)})`,
          {
            ...tally(stillThere, seqsOf(sse)),
          },
          { 'trimmed before the gateway read them': 85, gaps: gaps.length },
        );
        expect(seqsOf(sse)).toEqual([...range(1, 10), ...range(96, 100)]);
        expect(order.indexOf('gap')).toBe(order.indexOf(96) - 1);
        expect(JSON.parse(gaps[0]?.data as string)).toMatchObject({
          stream: 'chain-feed',
          reason: 'trimmed',
        });
      }
    }, 60_000);

    test('restarted with its data: every entry still in Redis is delivered once', async () => {
      const { redis: server } = await setUp(true);
      await publishRange(server, 1, 100);
      for (const sse of clients) await sse.waitFor(() => lastSeq(sse) === 100, 10_000, 'seq 100');
      await publishRange(server, 101, 600); // the gateway may not have read these when Redis dies
      await crash(server);
      await server.restart();
      await waitUntil(async () => (await health()) === 200, 15_000, 'health 200 again');
      await publishRange(server, 601, 700);
      const stored = ((await server.client.xrange(KEY, '-', '+')) as Array<[string, string[]]>).map(
        ([, fields]) => seqOf(fields[1] as string),
      );
      expect(stored).toEqual(range(1, 700));
      for (const [i, sse] of clients.entries()) {
        await sse.waitFor(() => lastSeq(sse) === 700, 10_000, 'seq 700');
        // A client that joined during the outage is live from where the gateway stood then:
        // somewhere in the burst the gateway had not read yet, and from there on everything.
        const first = seqsOf(sse)[0] ?? 0;
        const expected = i < PATHS.length ? stored : range(Math.max(first, 101), 700);
        const result = tally(expected, seqsOf(sse));
        report(`redis restarted with data on ${runtime} (${label(i)})`, result, {
          gaps: sse.events.filter((e) => e.type === 'gap').length,
        });
        expect(seqsOf(sse)).toEqual(expected);
        expect(sse.events.some((e) => e.type === 'gap')).toBe(false);
      }
    }, 60_000);
  });
}
