/** Case 009: every way a client can leave releases what it held, on both runtimes. */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { readFileSync, readdirSync } from 'node:fs';
import { type GatewayProcess, type Runtime, startGateway } from '../helpers/gateway-process.ts';
import { waitUntil } from '../helpers/ports.ts';
import { type RawSse, isEntry, openRawSse } from '../helpers/raw-sse.ts';
import { type RedisServer, startRedis } from '../helpers/redis-server.ts';
import { type Writer, startWriter } from '../helpers/tally.ts';

const KEY = 'sse:chain-feed';
const HEARTBEAT_MS = 500;
/** The case runs 20 rounds; 10 rounds of 100 show the same leaks sooner (CASE009_ROUNDS=20). */
const ROUNDS = Number(process.env.CASE009_ROUNDS ?? 10);
const PER_KIND = 25;
const REPLAY_ENTRIES = 5_000;
const PAD = 'x'.repeat(2_000); // 5,000 x 2 KB: a replay far larger than the socket buffers

function rssMb(pid: number): number {
  const line = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Math.round(Number(line?.[1]) / 1024);
}

const openFds = (pid: number) => readdirSync(`/proc/${pid}/fd`).length;

async function gatewayRedisClients(redis: RedisServer): Promise<number> {
  const list = (await redis.client.call('CLIENT', 'LIST')) as string;
  return list.split('\n').filter((line) => line.includes('name=sse-gateway')).length;
}

/** Opens one client that leaves in the given way; resolves once it has left. */
async function leave(port: number, turn: number, replayFrom: string): Promise<void> {
  const kind = turn % 4;
  const path = '/sse/chain-feed?symbols=SPX';
  if (kind === 0) {
    // (a) clean FIN after something was received
    const sse = openRawSse({ port, path, keepEvents: false });
    await sse.waitFor(() => sse.stats.events >= 2 || sse.stats.comments >= 1, 10_000, 'traffic');
    sse.end();
  } else if (kind === 1) {
    // (b) RST right after the stream opened
    const sse = openRawSse({ port, path, keepEvents: false });
    await sse.waitFor(() => sse.stats.events >= 1, 10_000, 'connected');
    sse.reset();
  } else if (kind === 2) {
    // (c) gone right after the request was written, before any response byte
    const sse = openRawSse({ port, path, keepEvents: false });
    sse.socket.once('connect', () => sse.socket.destroy());
  } else {
    // (d) stops reading and leaves in the middle of a 5,000-entry replay
    const headers = { 'Last-Event-ID': replayFrom };
    const sse = openRawSse({ port, path, headers, keepEvents: false });
    await sse.waitFor(() => sse.stats.bodyBytes > 64 * 1024, 10_000, 'replay under way');
    sse.pause();
    if (Math.floor(turn / 4) % 2 === 0)
      sse.reset(); // RST and FIN in turn
    else sse.end();
  }
}

for (const runtime of ['bun', 'node'] as Runtime[]) {
  describe(`case 009 on ${runtime}: disconnect cleanup`, () => {
    let redis: RedisServer;
    let gateway: GatewayProcess;
    let writer: Writer;
    const replayFrom = '0-0';
    const clientsNow = async () => (await (await fetch(`${gateway.url}/health`)).json()).clients;

    beforeAll(async () => {
      redis = await startRedis();
      const pipeline = redis.client.pipeline();
      for (let seq = 1; seq <= REPLAY_ENTRIES; seq++) {
        pipeline.xadd(KEY, '*', 'json', `{"symbol":"SPX","seq":${-seq},"pad":"${PAD}"}`);
      }
      await pipeline.exec();
      gateway = await startGateway(runtime, {
        REDIS_URL: redis.url,
        HEARTBEAT_MS: String(HEARTBEAT_MS),
      });
      await waitUntil(async () => (await fetch(`${gateway.url}/health`)).ok, 15_000, 'health');
    });

    afterAll(async () => {
      writer?.stop();
      await gateway?.stop('SIGKILL');
      await redis?.stop();
    });

    test('FIN, RST, close before headers and close mid-replay leave nothing behind', async () => {
      const baseline = { clients: await clientsNow(), fds: openFds(gateway.pid) };
      const redisBaseline = await gatewayRedisClients(redis);
      writer = startWriter(redis.client, KEY, { to: 1_000_000, perSecond: 100 });
      const rss: number[] = [];
      for (let round = 1; round <= ROUNDS; round++) {
        const leaving: Promise<void>[] = [];
        for (let i = 0; i < 4 * PER_KIND; i++) leaving.push(leave(gateway.port, i, replayFrom));
        await Promise.all(leaving);
        await waitUntil(
          async () => (await clientsNow()) === baseline.clients,
          2 * HEARTBEAT_MS + 5000,
          `round ${round}: clients back to ${baseline.clients}`,
        );
        expect(await gatewayRedisClients(redis)).toBe(redisBaseline);
        rss.push(rssMb(gateway.pid));
      }
      writer.stop();
      await writer.done;
      await waitUntil(
        () => Math.abs(openFds(gateway.pid) - baseline.fds) <= 5,
        2 * HEARTBEAT_MS + 5000,
        `open fds back to ${baseline.fds} ± 5`,
      );

      // A new client still gets entries promptly.
      const fresh: RawSse = openRawSse({ port: gateway.port, path: '/sse/chain-feed?symbols=NEW' });
      await fresh.waitFor(() => fresh.events.length >= 1, 5000, 'connected');
      const sentAt = performance.now();
      await redis.client.xadd(KEY, '*', 'json', '{"symbol":"NEW","seq":1}');
      await fresh.waitFor(() => fresh.events.some(isEntry), 5000, 'a live entry');
      const latencyMs = Math.round(performance.now() - sentAt);
      fresh.reset();

      // Medians, so that one step of the runtime's heap (Bun grew 130 MB once, then stayed)
      // is not read as a trend; a leaked 1 MiB queue per mid-replay close adds 25 MB a round.
      const median = (values: number[]) => [...values].sort((a, b) => a - b)[1] as number;
      const growth = median(rss.slice(-3)) - median(rss.slice(1, 4));
      console.log(
        `[summary] case 009 on ${runtime}: ${ROUNDS * 4 * PER_KIND} connections closed ` +
          `(FIN, RST, before headers, mid-replay), clients back to ${baseline.clients}, ` +
          `redis clients ${redisBaseline}, fds ${baseline.fds}->${openFds(gateway.pid)}, ` +
          `rss MB per round ${rss.join(' ')} (growth ${growth}), ` +
          `new-client latency ${latencyMs} ms`,
      );
      expect(redisBaseline).toBeLessThanOrEqual(2);
      expect(growth).toBeLessThan(60);
      expect(latencyMs).toBeLessThan(500);
      expect(gateway.output()).not.toMatch(/unhandled|uncaught|"level":"error"/i);
    }, 120_000);
  });
}
