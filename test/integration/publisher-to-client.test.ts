// End to end: demo publisher → Redis → the gateway process → the typed client, resumes included.
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'bun:test';
import { createSseClient, type SseClient, type SseEvent } from '../../src/client/index.ts';
import { freePort } from '../../src/demo/child-process.ts';
import { type GatewayProcess, startGateway } from '../../src/demo/gateway-process.ts';
import { createMarket } from '../../src/demo/option-model.ts';
import { createPublisher, type Publisher } from '../../src/demo/publisher.ts';
import { createRandom } from '../../src/demo/random.ts';
import { type RedisServer, startRedisServer } from '../../src/demo/redis-server.ts';
import type { GatewayError } from '../../src/errors.ts';
import { channel } from '../unit/client-peer.ts';

let redis: RedisServer;
let publisher: Publisher;
let gateway: GatewayProcess;
let port: number;
let client: SseClient | undefined;

const start = async (): Promise<GatewayProcess> =>
  startGateway({
    port,
    env: {
      REDIS_URL: redis.url,
      STREAM_PREFIX: 'e2e:',
      STREAMS: 'chain-feed,timeseries',
      RETRY_MS: '200',
      HEARTBEAT_MS: '1000',
      LOG_LEVEL: 'warn',
    },
  });

beforeAll(async () => {
  redis = await startRedisServer();
  publisher = createPublisher({
    redisUrl: redis.url,
    prefix: 'e2e:',
    ratePerSecond: 1,
    market: createMarket({ random: createRandom(9) }),
  });
  await publisher.connect();
  port = await freePort();
  gateway = await start();
});

afterEach(() => client?.close());

afterAll(async () => {
  await publisher?.stop();
  await gateway?.stop();
  await redis?.stop();
});

type Quote = { symbol: string; seq: number };

/** Collects parsed entries of `type` until `count` arrived, or fails at the deadline. */
async function collect(events: ReturnType<typeof channel<SseEvent>>, type: string, count: number) {
  const got: Quote[] = [];
  while (got.length < count) {
    const event = await events.next(10_000);
    if (event.type === type) got.push(JSON.parse(event.data) as Quote);
  }
  return got;
}

const expectContiguous = (quotes: Quote[]): void => {
  const first = quotes[0]?.seq ?? 0;
  expect(quotes.map((q) => q.seq)).toEqual(quotes.map((_, i) => first + i));
};

describe('publisher to typed client through the gateway', () => {
  test('delivers every SPX chain update, and only SPX, in seq order', async () => {
    const events = channel<SseEvent>();
    client = createSseClient({
      url: `${gateway.url}/sse`,
      streams: ['chain-feed'],
      symbols: ['spx'],
      onEvent: events.push,
    });
    expect((await events.next()).type).toBe('connected');
    for (let i = 0; i < 4; i++) await publisher.publishBatch(100);
    const quotes = await collect(events, 'chain', 150);
    expect(new Set(quotes.map((q) => q.symbol))).toEqual(new Set(['SPX']));
    expectContiguous(quotes);
  });

  test('resumes across a gateway crash with no missing or repeated entry', async () => {
    const events = channel<SseEvent>();
    client = createSseClient({
      url: `${gateway.url}/sse`,
      streams: ['chain-feed', 'timeseries'],
      symbols: ['QQQ'],
      onEvent: events.push,
    });
    expect((await events.next()).type).toBe('connected');
    await publisher.publishBatch(60);
    const before = await collect(events, 'chain', 20);
    expect(client.lastEventId).toMatch(/^chain-feed=\d+-\d+;timeseries=\d+-\d+$/);

    await gateway.stop(5000, 'SIGKILL');
    await publisher.publishBatch(200); // written while no gateway runs
    gateway = await start();
    await publisher.publishBatch(60);

    const rest: Quote[] = [];
    const reconnects: unknown[] = [];
    for (let event = await events.next(10_000); ; event = await events.next(10_000)) {
      if (event.type === 'gap') throw new Error(`unexpected gap: ${event.data}`);
      if (event.type === 'chain') rest.push(JSON.parse(event.data) as Quote);
      if (event.type === 'connected') reconnects.push(JSON.parse(event.data));
      if (rest.length > 0 && rest.at(-1)!.seq >= before[0]!.seq + 100) break;
    }
    expect(reconnects).toEqual([expect.objectContaining({ resumed: true })]);
    expectContiguous([...before, ...rest]);
  });

  test.each([
    ['an unknown stream', { streams: ['no-such-stream'] }, 'unknown_stream'],
    ['an empty symbol', { streams: ['chain-feed'], symbols: ['SPX', ''] }, 'invalid_query'],
  ] as const)("stops for good on %s with the gateway's error code", async (_what, query, code) => {
    const errors = channel<GatewayError>();
    client = createSseClient({ url: `${gateway.url}/sse`, ...query, onError: errors.push });
    expect((await errors.next()).code).toBe(code);
    expect(client.state).toBe('closed');
  });
});

describe('typed client on a gateway that requires a token', () => {
  const TOKEN = 'demo-token-7f3a9c2e5b1d4f60';
  let guarded: GatewayProcess | undefined;

  afterAll(async () => {
    await guarded?.stop();
  });

  test('sends its token as a Bearer header and stops for good on a wrong one', async () => {
    guarded = await startGateway({
      port: await freePort(),
      env: {
        REDIS_URL: redis.url,
        STREAM_PREFIX: 'e2e:',
        AUTH_TOKENS: TOKEN,
        LOG_LEVEL: 'warn',
      },
    });
    const events = channel<SseEvent>();
    client = createSseClient({
      url: `${guarded.url}/sse/chain-feed`,
      token: () => TOKEN,
      onEvent: events.push,
    });
    expect((await events.next()).type).toBe('connected');
    client.close();

    const errors = channel<GatewayError>();
    client = createSseClient({
      url: `${guarded.url}/sse/chain-feed`,
      token: 'not-the-token',
      onError: errors.push,
    });
    expect((await errors.next()).code).toBe('unauthorized');
    expect(client.state).toBe('closed');
  });
});
