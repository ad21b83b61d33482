/** SLOW_CLIENT_POLICY=conflate: a client that stalls catches up on the newest per instrument. */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { connect } from 'node:net';
import { createParser } from 'eventsource-parser';
import { type GatewayProcess, startGateway } from '../helpers/gateway-process.ts';
import { waitUntil } from '../helpers/ports.ts';
import { type RedisServer, publish, startRedis } from '../helpers/redis-server.ts';
import { openSse } from '../helpers/sse-client.ts';

const CHAIN = 'sse:chain-feed';
const STRIKES = 5;
const ENTRIES = 4000;
const PAD = 'x'.repeat(4096);

/** A raw HTTP/1.1 SSE client whose reading can be paused, so the server sees backpressure. */
function rawClient(port: number, path: string) {
  const socket = connect(port, '127.0.0.1');
  const latest = new Map<number, number>(); // strike → seq
  let received = 0;
  let body = false;
  let buffered = '';
  const parser = createParser({
    onEvent: (event) => {
      if (event.event !== 'chain') return;
      const { strike, seq } = JSON.parse(event.data) as { strike: number; seq: number };
      received++;
      latest.set(strike, Math.max(latest.get(strike) ?? 0, seq));
    },
  });
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => {
    if (!body) {
      buffered += chunk;
      const end = buffered.indexOf('\r\n\r\n');
      if (end < 0) return;
      body = true;
      chunk = buffered.slice(end + 4);
    }
    // Chunked transfer framing lines are not SSE fields a parser would act on, except that
    // they could split a line; strip them crudely by their shape.
    parser.feed(chunk.replace(/\r\n[0-9a-f]+\r\n/g, ''));
  });
  socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n`);
  return { socket, latest, received: () => received };
}

describe('conflating slow clients', () => {
  let redis: RedisServer;
  let gateway: GatewayProcess;

  beforeAll(async () => {
    redis = await startRedis();
    gateway = await startGateway('bun', {
      REDIS_URL: redis.url,
      SLOW_CLIENT_POLICY: 'conflate',
      CLIENT_BUFFER_BYTES: '262144',
      MAX_ENTRY_BYTES: '8192',
    });
    // The reader starts after the stream's last entry: publish only once it is reading.
    await waitUntil(async () => (await fetch(`${gateway.url}/health`)).ok, 10_000, 'health');
  });

  afterAll(async () => {
    await gateway?.stop('SIGKILL');
    await redis?.stop();
  });

  test('a stalled client is kept and ends on the newest value of every instrument', async () => {
    const slow = rawClient(gateway.port, '/sse/chain-feed?symbols=CONF');
    const fast = await openSse(`${gateway.url}/sse/chain-feed?symbols=CONF`);
    await fast.waitForEvents(1, 5000, (e) => e.type === 'connected');
    await waitUntil(() => slow.socket.bytesRead > 0, 5000, 'slow client connected');
    slow.socket.pause();
    for (let seq = 1; seq <= ENTRIES; seq += 200) {
      const batch = redis.client.pipeline();
      for (let n = seq; n < seq + 200; n++) {
        const payload = {
          symbol: 'CONF',
          expiry: '2026-12-19',
          strike: n % STRIKES,
          right: 'C',
          seq: n,
          pad: PAD,
        };
        batch.xadd(CHAIN, '*', 'json', JSON.stringify(payload));
      }
      await batch.exec();
      // The reading client keeps up (this process both publishes and reads for it).
      await fast.waitForEvents(seq + 199, 20_000);
    }
    slow.socket.resume();
    const newest = Array.from(
      { length: STRIKES },
      (_, strike) => ENTRIES - ((ENTRIES - strike) % STRIKES),
    );
    await waitUntil(
      () => newest.every((seq, strike) => slow.latest.get(strike) === seq),
      20_000,
      'the slow client to reach the newest values',
    );
    console.log(
      `conflate: published ${ENTRIES}, fast got ${fast.entries().length},` +
        ` slow got ${slow.received()}`,
    );
    expect(slow.received()).toBeLessThan(ENTRIES); // it was conflated, not sent everything
    expect(slow.socket.destroyed).toBe(false); // and not disconnected
    expect(fast.entries().length).toBe(ENTRIES);
    const health = await (await fetch(`${gateway.url}/health`)).json();
    expect(health.clients).toBe(2);
    slow.socket.destroy();
    fast.close();
    await publish(redis.client, CHAIN, { symbol: 'CONF', seq: 0 });
  }, 60_000);
});
