/** /metrics counts slow clients: evicted under `disconnect`, conflated under `conflate`. */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { type Socket, connect } from 'node:net';
import { type GatewayProcess, type Runtime, startGateway } from '../helpers/gateway-process.ts';
import { parseScrape } from '../helpers/metrics-text.ts';
import { waitUntil } from '../helpers/ports.ts';
import { type RedisServer, startRedis } from '../helpers/redis-server.ts';

const CHAIN = 'sse:chain-feed';
const PAD = 'x'.repeat(4096);
/** Bounds the flood: 16 MB, over three times what loopback buffers hold for a stalled reader. */
const MAX_ENTRIES = 4000;

/** A raw HTTP client that stops reading once the response has started (Bun's fetch would not). */
async function stalledClient(port: number, path: string): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n`);
  await new Promise<void>((resolve) => socket.once('data', () => resolve()));
  socket.pause();
  return socket;
}

async function metric(gateway: GatewayProcess, name: string, labels?: Record<string, string>) {
  const text = await (await fetch(`${gateway.url}/metrics`)).text();
  return parseScrape(text).value(name, labels) ?? 0;
}

/**
 * Publishes 200-entry pipelines until `done()` or MAX_ENTRIES, each time waiting until the
 * gateway has read what was written, so the flood goes at the gateway's pace. Returns how
 * many entries it wrote.
 */
async function floodUntil(
  redis: RedisServer,
  gateway: GatewayProcess,
  done: () => Promise<boolean>,
): Promise<number> {
  const read = { stream: 'chain-feed' };
  const start = await metric(gateway, 'sse_gateway_entries_read_total', read);
  let written = 0;
  while (written < MAX_ENTRIES && !(await done())) {
    const batch = redis.client.pipeline();
    for (let n = 0; n < 200; n++, written++) {
      const payload = { symbol: 'SLOW', expiry: '2026-12-19', strike: n % 5, right: 'C', pad: PAD };
      batch.xadd(CHAIN, '*', 'json', JSON.stringify(payload));
    }
    await batch.exec();
    const target = start + written;
    const caughtUp = async () =>
      (await metric(gateway, 'sse_gateway_entries_read_total', read)) >= target;
    await waitUntil(caughtUp, 10_000, 'the gateway to read the flood');
  }
  return written;
}

function slowClientSuite(runtime: Runtime, policy: 'disconnect' | 'conflate'): void {
  describe(`slow clients on ${runtime} with SLOW_CLIENT_POLICY=${policy}`, () => {
    let redis: RedisServer;
    let gateway: GatewayProcess;

    beforeAll(async () => {
      redis = await startRedis();
      gateway = await startGateway(runtime, {
        REDIS_URL: redis.url,
        SLOW_CLIENT_POLICY: policy,
        CLIENT_BUFFER_BYTES: '262144',
        MAX_ENTRY_BYTES: '8192',
      });
      await waitUntil(async () => (await fetch(`${gateway.url}/health`)).ok, 10_000, 'health');
    });

    afterAll(async () => {
      await gateway?.stop('SIGKILL');
      await redis?.stop();
    });

    const name =
      policy === 'disconnect'
        ? 'counts a client that stopped reading as a slow disconnect'
        : 'counts a client that stopped reading as conflated, and the entries it was spared';
    test(name, async () => {
      const socket = await stalledClient(gateway.port, '/sse/chain-feed?symbols=SLOW');
      const slow = { reason: 'slow' };
      const moved = async () =>
        policy === 'disconnect'
          ? (await metric(gateway, 'sse_gateway_disconnects_total', slow)) >= 1
          : (await metric(gateway, 'sse_gateway_conflated_clients_total')) >= 1;
      const written = await floodUntil(redis, gateway, moved);
      expect(written, 'the metric moved before the flood ran out').toBeLessThan(MAX_ENTRIES);
      if (policy === 'disconnect') {
        expect(await metric(gateway, 'sse_gateway_connections')).toBe(0);
        // An eviction is counted, not shouted: every line the gateway wrote is a JSON record
        // (no stack trace from the runtime adapter).
        const ended = new Promise((resolve) => socket.once('close', resolve));
        socket.on('error', () => {}).resume();
        await ended;
        const lines = gateway
          .output()
          .split('\n')
          .filter((line) => line.trim() !== '');
        expect(lines.filter((line) => !line.startsWith('{'))).toEqual([]);
      } else {
        await floodUntil(redis, gateway, async () => false);
        expect(await metric(gateway, 'sse_gateway_conflated_entries_total')).toBeGreaterThan(0);
        expect(await metric(gateway, 'sse_gateway_disconnects_total', slow)).toBe(0);
        expect(await metric(gateway, 'sse_gateway_connections')).toBe(1);
      }
      socket.destroy();
    }, 60_000);
  });
}

slowClientSuite('bun', 'disconnect');
slowClientSuite('node', 'disconnect');
slowClientSuite('bun', 'conflate');
