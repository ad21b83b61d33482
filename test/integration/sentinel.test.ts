/** Redis Sentinel: a subscriber keeps its stream through a real failover, on Bun and Node. */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { Redis } from 'ioredis';
import { type GatewayProcess, type Runtime, startGateway } from '../helpers/gateway-process.ts';
import { waitUntil } from '../helpers/ports.ts';
import { publish } from '../helpers/redis-server.ts';
import {
  type SentinelSet,
  sentinelUnavailable,
  startRedisSentinels,
} from '../helpers/redis-sentinel.ts';
import { type SseConnection, openSse } from '../helpers/sse-client.ts';

const STREAM = 'failover-feed';
const KEY = `sse:${STREAM}`;
const BEFORE = 20;
const AFTER = 20;

const unavailable = await sentinelUnavailable();
if (unavailable !== undefined) {
  console.warn(`sentinel tests skipped: ${unavailable}; install the redis-sentinel package`);
}

type Sample = { status: number; comments: number; at: number };

/** Polls /health until stopped, noting the status and how many heartbeats the client had. */
function watchHealth(url: string, sse: SseConnection) {
  const samples: Sample[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const comments = sse.comments.length;
      const status = await fetch(`${url}/health`, { signal: AbortSignal.timeout(5000) }).then(
        async (response) => (await response.text(), response.status),
        () => 0,
      );
      samples.push({ status, comments, at: Date.now() });
      await new Promise((resolve) => setTimeout(resolve, 50)); // poll pacing, not an assertion
    }
  })();
  return {
    samples,
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

for (const runtime of ['bun', 'node'] as const satisfies readonly Runtime[]) {
  describe.skipIf(unavailable !== undefined)(`gateway on ${runtime} behind Redis Sentinel`, () => {
    let set: SentinelSet;
    let gateway: GatewayProcess;

    beforeAll(async () => {
      set = await startRedisSentinels(3);
      gateway = await startGateway(runtime, {
        REDIS_SENTINELS: set.sentinels.join(','),
        REDIS_SENTINEL_NAME: set.masterName,
        REDIS_URL: `redis://127.0.0.1:${set.masterPort}`,
        STREAMS: STREAM,
        HEARTBEAT_MS: '200',
      });
      await waitUntil(async () => (await fetch(`${gateway.url}/health`)).ok, 30_000, 'health');
    }, 120_000);

    afterAll(async () => {
      await gateway?.stop('SIGKILL');
      await set?.stop();
    });

    const name = 'keeps a subscriber connected through a failover, with each entry once, in order';
    test(name, async () => {
      const sse = await openSse(`${gateway.url}/sse/${STREAM}`);
      let ended = false;
      sse.ended.then(() => (ended = true));
      await sse.waitForEvents(1, 10_000, (e) => e.type === 'connected');
      const published: string[] = [];
      for (let seq = 1; seq <= BEFORE; seq++) {
        published.push(await publish(set.client, KEY, { seq }));
      }
      // Entries the old master acknowledged but never replicated may be lost by design:
      // wait until the replica has them all, so that every published entry must survive.
      expect(Number(await set.client.call('WAIT', '1', '5000'))).toBeGreaterThanOrEqual(1);
      await sse.waitForEvents(BEFORE, 20_000, (e) => e.type === STREAM);

      const health = watchHealth(gateway.url, sse);
      const killedAt = Date.now();
      await set.killMaster();
      await waitUntil(() => health.samples.some((s) => s.status === 503), 20_000, '503');
      const newMaster = await set.waitForFailover(45_000);
      const failoverMs = Date.now() - killedAt;
      for (let seq = BEFORE + 1; seq <= BEFORE + AFTER; seq++) {
        published.push(await publish(set.client, KEY, { seq }));
      }
      // A timeout here is reported by the assertions below, after the summary line.
      await sse.waitForEvents(BEFORE + AFTER, 45_000, (e) => e.type === STREAM).catch(() => {});
      const recovered = () => health.samples.at(-1)?.status === 200;
      await waitUntil(recovered, 30_000, 'health 200 again').catch(() => {});
      await health.stop();

      const direct = new Redis({ host: '127.0.0.1', port: newMaster, lazyConnect: true });
      await direct.connect();
      const kept = (await direct.xrange(KEY, '-', '+')).map(([id]) => id);
      direct.disconnect();
      const down = health.samples.findIndex((s) => s.status === 503);
      const up = health.samples.findIndex((s, i) => i > down && s.status === 200);
      const unhealthyMs = (health.samples[up]?.at ?? Number.NaN) - (health.samples[down]?.at ?? 0);
      const received = sse.events.filter((e) => e.type === STREAM);
      const receivedIds = received.map((e) => e.id);
      const lost = published.filter((id) => !kept.includes(id)).length;
      const duplicated = receivedIds.length - new Set(receivedIds).size;
      console.log(
        `sentinel failover on ${runtime}: published=${published.length} ` +
          `received=${received.length} lost=${lost} duplicated=${duplicated} ` +
          `failover=${failoverMs}ms health-503-for=${unhealthyMs}ms`,
      );

      expect(kept).toEqual(published); // WAIT made every entry survive, in publish order
      expect(receivedIds).toEqual(kept); // each entry of the new master once, in order
      expect(received.map((e) => JSON.parse(e.data).seq)).toEqual(
        Array.from({ length: BEFORE + AFTER }, (_, i) => i + 1),
      );
      expect(sse.events.filter((e) => e.type === 'gap')).toEqual([]);
      // The same response carried everything: no reconnect, and heartbeats during the outage.
      expect(ended).toBe(false);
      expect(sse.events.filter((e) => e.type === 'connected').length).toBe(1);
      expect(up).toBeGreaterThan(down);
      const downSample = health.samples[down] as Sample;
      const upSample = health.samples[up] as Sample;
      expect(upSample.comments).toBeGreaterThan(downSample.comments);
      sse.close();
    }, 150_000);
  });
}
