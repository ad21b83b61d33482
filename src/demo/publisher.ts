/** Writes the synthetic market to Redis Streams at a steady rate, as a producer would. */
import { Redis } from 'ioredis';
import { GatewayError } from '../errors.ts';
import type { Market } from './option-model.ts';

export type PublisherOptions = {
  redisUrl: string;
  market: Market;
  /** Key prefix of the demo's own streams; the gateway must read the same prefix. */
  prefix: string;
  /** Chain updates per second, all symbols together. */
  ratePerSecond: number;
  /** How often each symbol gets a `timeseries` point. Default 250 ms. */
  spotIntervalMs?: number;
  /** Approximate cap of each demo stream (`MAXLEN ~`). Default 100000. */
  maxLen?: number;
  /** Called once per change between publishing and failing, never per entry. */
  onStatus?: (status: 'ok' | 'failing', error?: GatewayError) => void;
};

export type Publisher = {
  /** Connects; rejects with `redis_unavailable` when Redis cannot be reached. */
  connect(): Promise<void>;
  /** Appends `chainCount` chain updates plus every spot point that is due, in one pipeline. */
  publishBatch(chainCount: number, nowMs?: number): Promise<void>;
  /** Publishes on a timer until `stop()`. */
  start(): void;
  stop(): Promise<void>;
  readonly counts: { chain: number; timeseries: number };
};

const TICK_MS = 50;

export function createPublisher(options: PublisherOptions): Publisher {
  const { market, prefix, ratePerSecond } = options;
  const spotIntervalMs = options.spotIntervalMs ?? 250;
  const maxLen = String(options.maxLen ?? 100_000);
  const chainKey = `${prefix}chain-feed`;
  const seriesKey = `${prefix}timeseries`;
  // No offline queue: while Redis is away a tick fails fast instead of piling up in memory.
  const redis = new Redis(options.redisUrl, { lazyConnect: true, enableOfflineQueue: false });
  redis.on('error', () => {}); // reported through onStatus when a write fails
  const counts = { chain: 0, timeseries: 0 };
  let lastSpotAt = 0;
  let status: 'ok' | 'failing' = 'ok';
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running = false;
  let inFlight: Promise<void> = Promise.resolve();

  const report = (next: 'ok' | 'failing', error?: GatewayError): void => {
    if (next === status) return;
    status = next;
    options.onStatus?.(next, error);
  };

  async function publishBatch(chainCount: number, nowMs = Date.now()): Promise<void> {
    market.advance(nowMs);
    const pipeline = redis.pipeline();
    const xadd = (key: string, json: string, symbol: string): void => {
      pipeline.xadd(key, 'MAXLEN', '~', maxLen, '*', 'json', json, 'symbol', symbol);
    };
    for (let i = 0; i < chainCount; i++) {
      const update = market.nextUpdate(nowMs);
      xadd(chainKey, JSON.stringify(update), update.symbol);
    }
    const spotsDue = nowMs - lastSpotAt >= spotIntervalMs;
    if (spotsDue) {
      lastSpotAt = nowMs;
      for (const symbol of market.symbols) {
        xadd(seriesKey, JSON.stringify(market.spotPoint(symbol, nowMs)), symbol);
      }
    }
    const results = (await pipeline.exec()) ?? [];
    const failed = results.find(([error]) => error !== null);
    if (failed) {
      throw new GatewayError(
        'redis_unavailable',
        'The demo publisher could not write to Redis; ' +
          'check that REDIS_URL points at a running server.',
        { cause: failed[0] },
      );
    }
    counts.chain += chainCount;
    if (spotsDue) counts.timeseries += market.symbols.length;
  }

  const tick = (run: { startedAt: number; sent: number }): void => {
    if (!running) return;
    const now = Date.now();
    // Catch up to the configured rate, but never by more than one second's worth at once.
    const target = Math.floor(((now - run.startedAt) / 1000) * ratePerSecond);
    const due = Math.max(0, Math.min(target - run.sent, Math.ceil(ratePerSecond)));
    run.sent += due;
    inFlight = publishBatch(due, now).then(
      () => report('ok'),
      (error: unknown) => report('failing', toGatewayError(error)),
    );
    void inFlight.then(() => {
      if (running) timer = setTimeout(() => tick(run), TICK_MS);
    });
  };

  return {
    counts,
    publishBatch,
    async connect() {
      try {
        await redis.connect();
      } catch (error) {
        redis.disconnect();
        throw toGatewayError(error);
      }
    },
    start() {
      if (running) return;
      running = true;
      tick({ startedAt: Date.now(), sent: 0 });
    },
    async stop() {
      running = false;
      clearTimeout(timer);
      await inFlight;
      redis.disconnect();
    },
  };
}

function toGatewayError(error: unknown): GatewayError {
  if (error instanceof GatewayError) return error;
  return new GatewayError(
    'redis_unavailable',
    'The demo publisher cannot reach Redis; ' + 'check that REDIS_URL points at a running server.',
    { cause: error },
  );
}
