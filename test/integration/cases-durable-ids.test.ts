/** Case 006: SSE ids are Redis entry ids, compared numerically, across instances and restarts. */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { type GatewayProcess, type Runtime, startGateway } from '../helpers/gateway-process.ts';
import { waitUntil } from '../helpers/ports.ts';
import { type RawSse, isEntry, openRawSse } from '../helpers/raw-sse.ts';
import { type RedisServer, startRedis } from '../helpers/redis-server.ts';
import { range, report, seqOf, tally } from '../helpers/tally.ts';

const KEY = 'sse:chain-feed';
const HEARTBEAT_MS = 300;

async function started(runtime: Runtime, redis: RedisServer): Promise<GatewayProcess> {
  const gateway = await startGateway(runtime, {
    REDIS_URL: redis.url,
    HEARTBEAT_MS: String(HEARTBEAT_MS),
  });
  await waitUntil(async () => (await fetch(`${gateway.url}/health`)).ok, 15_000, 'health');
  return gateway;
}

function resume(gateway: GatewayProcess, lastEventId: string): RawSse {
  return openRawSse({
    port: gateway.port,
    path: '/sse/chain-feed?symbols=SPX',
    headers: { 'Last-Event-ID': lastEventId },
  });
}

async function entriesOf(sse: RawSse, count: number): Promise<number[]> {
  await sse.waitFor(() => sse.events.filter(isEntry).length >= count, 10_000, `${count} entries`);
  return sse.events.filter(isEntry).map((e) => seqOf(e.data));
}

/** Numeric order of `<ms>-<seq>` ids, written independently of the gateway's own compare. */
function numericallyIncreasing(ids: readonly string[]): boolean {
  const value = (id: string) => id.split('-').map(BigInt) as [bigint, bigint];
  return ids.every((id, i) => {
    if (i === 0) return true;
    const [ms, seq] = value(id);
    const [pms, pseq] = value(ids[i - 1] as string);
    return ms > pms || (ms === pms && seq > pseq);
  });
}

describe('case 006: ids are durable stream positions; control frames carry none', () => {
  let redis: RedisServer;
  let g1: GatewayProcess;
  let g2: GatewayProcess;
  let ids: string[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    g1 = await started('bun', redis);
    g2 = await started('node', redis);
    // Twelve entries in one millisecond: ids T-0 .. T-11, where T-10 sorts before T-2 as text.
    const ms = Date.now();
    const multi = redis.client.multi();
    for (let seq = 1; seq <= 12; seq++) {
      multi.xadd(KEY, `${ms}-*`, 'json', `{"symbol":"SPX","seq":${seq}}`);
    }
    ids = ((await multi.exec()) ?? []).map(([, id]) => id as string);
  });

  afterAll(async () => {
    await g1?.stop('SIGKILL');
    await g2?.stop('SIGKILL');
    await redis?.stop();
  });

  test('every entry id equals its Redis id, ids increase, heartbeats carry no id', async () => {
    expect(new Set(ids.map((id) => id.split('-')[0])).size).toBe(1);
    const sse = resume(g1, '0-0');
    const got = await entriesOf(sse, 12);
    expect(got).toEqual(range(1, 12));
    expect(sse.events.filter(isEntry).map((e) => e.id)).toEqual(ids);
    expect(numericallyIncreasing(ids)).toBe(true);
    await sse.waitFor(() => sse.stats.comments >= 3, 3 * HEARTBEAT_MS + 3000, '3 heartbeats');
    sse.reset();
    const heartbeats = sse.stats.comments;
    report('case 006 steps 3-4 (bun)', tally(range(1, 12), got), { heartbeats });
    const frames = sse
      .body()
      .split('\n\n')
      .filter((frame) => frame !== '');
    const withId = frames.filter((frame) => /^id:/m.test(frame));
    expect(withId.length).toBe(12);
    for (const frame of withId) expect(frame).toMatch(/^id: \d+-\d+\nevent: chain\ndata: /);
    expect(sse.body()).not.toMatch(/^id:\s*$/m);
    const lastId = [...sse.body().matchAll(/^id: (.*)$/gm)].at(-1)?.[1];
    expect(lastId).toBe(ids[11]); // what a browser would send back after the heartbeats
  });

  test('resuming on the other instance from T-11 gets exactly seq 13', async () => {
    const sse = resume(g2, ids[11] as string);
    await sse.waitFor(() => sse.events.length >= 1, 5000, 'connected');
    ids.push((await redis.client.xadd(KEY, '*', 'json', '{"symbol":"SPX","seq":13}')) as string);
    const got = await entriesOf(sse, 1);
    report('case 006 step 5 (node)', tally([13], got));
    expect(got).toEqual([13]);
    expect(sse.events.filter(isEntry).map((e) => e.id)).toEqual([ids[12]]);
    sse.reset();
  });

  test('resuming elsewhere from T-1 gets seq 3..12 (T-10 after T-9), then 13', async () => {
    const sse = resume(g2, ids[1] as string);
    const got = await entriesOf(sse, 11);
    report('case 006 step 6 (node)', tally(range(3, 13), got));
    expect(got).toEqual(range(3, 13));
    expect(sse.events.some((e) => e.type === 'gap')).toBe(false);
    sse.reset();
  });

  test('after both instances restart, resuming from T-5 gets seq 7..13 on each', async () => {
    await g1.stop('SIGTERM');
    await g2.stop('SIGTERM');
    g1 = await started('bun', redis);
    g2 = await started('node', redis);
    for (const gateway of [g1, g2]) {
      const sse = resume(gateway, ids[5] as string);
      const got = await entriesOf(sse, 7);
      report(`case 006 step 7 (${gateway === g1 ? 'bun' : 'node'})`, tally(range(7, 13), got));
      expect(got).toEqual(range(7, 13));
      expect(sse.events.filter(isEntry).map((e) => e.id)).toEqual(ids.slice(6));
      sse.reset();
    }
  });
});
