/** The contract's error order on real processes: 401, then 400, then 403, then 404, then 429. */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { type GatewayProcess, type Runtime, startGateway } from '../helpers/gateway-process.ts';
import { type JwtIssuer, createJwtIssuer, nowSeconds } from '../helpers/jwt.ts';
import { waitUntil } from '../helpers/ports.ts';
import { type RedisServer, startRedis } from '../helpers/redis-server.ts';
import { type SseConnection, openSse } from '../helpers/sse-client.ts';

for (const runtime of ['bun', 'node'] as Runtime[]) {
  describe(`error order on ${runtime}`, () => {
    let redis: RedisServer;
    let gateway: GatewayProcess;
    let issuer: JwtIssuer;
    const open: SseConnection[] = [];
    /** A token limited to chain-feed and SPX, and one limited to SPX only. */
    let narrow: string;
    let symbolsOnly: string;
    const errorOf = async (path: string, headers: Record<string, string> = {}) => {
      const sse = await openSse(`${gateway.url}${path}`, headers);
      open.push(sse);
      expect(sse.headers.get('content-type')).toStartWith('application/json');
      return { status: sse.status, code: JSON.parse(sse.body).error.code as string };
    };
    const as = (token: string) => ({ Authorization: `Bearer ${token}` });

    beforeAll(async () => {
      issuer = createJwtIssuer('HS256');
      const exp = nowSeconds() + 600;
      narrow = issuer.sign({ sub: 'narrow', streams: ['chain-feed'], symbols: ['SPX'], exp });
      symbolsOnly = issuer.sign({ sub: 'symbols-only', symbols: ['SPX'], exp });
      redis = await startRedis();
      gateway = await startGateway(runtime, {
        REDIS_URL: redis.url,
        MAX_CLIENTS_PER_KEY: '1',
        ...issuer.env,
      });
      await waitUntil(async () => (await fetch(`${gateway.url}/health`)).ok, 10_000, 'health');
    });

    afterAll(async () => {
      for (const sse of open) sse.close();
      await gateway?.stop('SIGKILL');
      await redis?.stop();
      issuer?.cleanup();
    });

    test('puts 401 before a bad query, a bad cursor, a forbidden or unknown stream', async () => {
      const everythingWrong = '/sse?streams=nope,,timeseries&symbols=QQQ,';
      expect(await errorOf(everythingWrong, { 'Last-Event-ID': 'x' })).toEqual({
        status: 401,
        code: 'unauthorized',
      });
      const wrongKey = issuer.signWithWrongKey({ exp: nowSeconds() + 60 });
      expect(await errorOf(everythingWrong, as(wrongKey))).toEqual({
        status: 401,
        code: 'unauthorized',
      });
    });

    test('puts 400 before 403 and 404', async () => {
      const badQuery = await errorOf('/sse?streams=nope,timeseries&symbols=QQQ,,', as(narrow));
      expect(badQuery).toEqual({ status: 400, code: 'invalid_query' });
      const badCursor = await errorOf('/sse/timeseries?symbols=QQQ', {
        ...as(narrow),
        'Last-Event-ID': 'not-a-cursor',
      });
      expect(badCursor).toEqual({ status: 400, code: 'invalid_last_event_id' });
    });

    test('puts 403 for a stream outside the claims before 404 for an unknown one', async () => {
      const path = '/sse?streams=nope,timeseries';
      expect(await errorOf(path, as(narrow))).toEqual({ status: 403, code: 'forbidden' });
    });

    test('puts 403 for a symbol outside the claims before 404 for an unknown stream', async () => {
      const path = '/sse/nope?symbols=QQQ';
      expect(await errorOf(path, as(symbolsOnly))).toEqual({ status: 403, code: 'forbidden' });
    });

    test('answers 404 for an unknown stream the claims do not exclude', async () => {
      const path = '/sse/nope?symbols=SPX';
      expect(await errorOf(path, as(symbolsOnly))).toEqual({ status: 404, code: 'unknown_stream' });
    });

    test('checks every request fully before counting it against the per-token limit', async () => {
      const holder = await openSse(`${gateway.url}/sse/chain-feed`, as(narrow));
      open.push(holder);
      expect(holder.status).toBe(200);
      await holder.waitForEvents(1, 5000, (e) => e.type === 'connected');
      const narrowPath = '/sse/chain-feed?symbols=SPX';
      expect(await errorOf(narrowPath, as(narrow))).toEqual({
        status: 429,
        code: 'too_many_connections',
      });
      expect(await errorOf('/sse/chain-feed?symbols=SPX,', as(narrow))).toEqual({
        status: 400,
        code: 'invalid_query',
      });
      expect(await errorOf('/sse/timeseries', as(narrow))).toEqual({
        status: 403,
        code: 'forbidden',
      });
      holder.close();
    });
  });
}
