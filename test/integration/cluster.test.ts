/** Redis Cluster: streams on different slots are each read, replayed and filtered correctly. */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { keySlot } from '../../src/redis/key-slot.ts';
import { type GatewayProcess, startGateway } from '../helpers/gateway-process.ts';
import { waitUntil } from '../helpers/ports.ts';
import { type RedisCluster, startRedisCluster } from '../helpers/redis-cluster.ts';
import { openSse } from '../helpers/sse-client.ts';

const STREAMS = ['chain-feed', 'timeseries', 'quotes', 'news'];

describe('gateway on a 3-master Redis Cluster', () => {
  let cluster: RedisCluster;
  let gateway: GatewayProcess;

  beforeAll(async () => {
    cluster = await startRedisCluster();
    gateway = await startGateway('bun', {
      REDIS_CLUSTER_NODES: cluster.nodes.join(','),
      STREAMS: STREAMS.join(','),
      HEARTBEAT_MS: '1000',
    });
    await waitUntil(async () => (await fetch(`${gateway.url}/health`)).ok, 20_000, 'health');
  }, 60_000);

  afterAll(async () => {
    await gateway?.stop('SIGKILL');
    await cluster?.stop();
  });

  test('the streams under test really live on different slots', () => {
    const slots = new Set(STREAMS.map((name) => keySlot(`sse:${name}`)));
    expect(slots.size).toBe(STREAMS.length);
  });

  test('delivers entries of every stream on one connection, and resumes across them', async () => {
    const sse = await openSse(`${gateway.url}/sse?symbols=SPX`);
    await sse.waitForEvents(1, 5000, (e) => e.type === 'connected');
    for (let seq = 1; seq <= 8; seq++) {
      const stream = STREAMS[seq % STREAMS.length] as string;
      await cluster.client.xadd(
        `sse:${stream}`,
        '*',
        'json',
        JSON.stringify({ seq }),
        'symbol',
        'SPX',
      );
    }
    const events = await sse.waitForEvents(8);
    sse.close();
    expect(events.map((e) => JSON.parse(e.data).seq).sort((a, b) => a - b)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8,
    ]);
    const cursor = events[3]?.id as string;
    expect(cursor.split(';').length).toBe(STREAMS.length);
    const resumed = await openSse(`${gateway.url}/sse?symbols=SPX`, { 'Last-Event-ID': cursor });
    const rest = await resumed.waitForEvents(4);
    resumed.close();
    const firstFour = events.slice(0, 4).map((e) => JSON.parse(e.data).seq);
    const expected = [1, 2, 3, 4, 5, 6, 7, 8].filter((seq) => !firstFour.includes(seq));
    expect(rest.map((e) => JSON.parse(e.data).seq).sort((a, b) => a - b)).toEqual(expected);
    expect(gateway.output()).not.toContain('CROSSSLOT');
  });
});
