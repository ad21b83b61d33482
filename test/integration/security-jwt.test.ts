/** JWTs end to end (HS256 secret, RS256 PEM, ES256 JWKS): claims narrow, expiry ends streams. */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { type GatewayProcess, type Runtime, startGateway } from '../helpers/gateway-process.ts';
import { type JwtAlg, type JwtIssuer, createJwtIssuer, nowSeconds } from '../helpers/jwt.ts';
import { waitUntil } from '../helpers/ports.ts';
import { type RedisServer, publish, startRedis } from '../helpers/redis-server.ts';
import { type SseConnection, openSse } from '../helpers/sse-client.ts';

const CHAIN = 'sse:chain-feed';
const SERIES = 'sse:timeseries';
const ALGS: JwtAlg[] = ['HS256', 'RS256', 'ES256'];

for (const runtime of ['bun', 'node'] as Runtime[]) {
  for (const alg of ALGS) {
    describe(`${alg} tokens on ${runtime}`, () => {
      let redis: RedisServer;
      let gateway: GatewayProcess;
      let issuer: JwtIssuer;
      const open: SseConnection[] = [];
      const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
      const connect = async (path: string, token: string) => {
        const sse = await openSse(`${gateway.url}${path}`, bearer(token));
        open.push(sse);
        if (sse.status === 200) await sse.waitForEvents(1, 5000, (e) => e.type === 'connected');
        return sse;
      };
      const inAMinute = () => nowSeconds() + 60;
      const clients = async () => (await (await fetch(`${gateway.url}/health`)).json()).clients;

      beforeAll(async () => {
        issuer = createJwtIssuer(alg);
        redis = await startRedis();
        gateway = await startGateway(runtime, {
          REDIS_URL: redis.url,
          // The expiry sweep runs every min(1 s, HEARTBEAT_MS / 4); keep heartbeats out of the way.
          HEARTBEAT_MS: '30000',
          ...issuer.env,
        });
        expect(gateway.output()).toContain(`"runtime":"${runtime} `);
        await waitUntil(async () => (await fetch(`${gateway.url}/health`)).ok, 10_000, 'health');
      });

      afterAll(async () => {
        for (const sse of open) sse.close();
        await gateway?.stop('SIGKILL');
        await redis?.stop();
        issuer?.cleanup();
      });

      test('streams to a holder of a valid token without claims', async () => {
        const sse = await connect('/sse/chain-feed', issuer.sign({ sub: 'u1', exp: inAMinute() }));
        expect(sse.status).toBe(200);
        const id = await publish(redis.client, CHAIN, { symbol: 'IWM', n: 1 });
        const [event] = await sse.waitForEvents(1, 5000, (e) => e.id === id);
        expect(event?.type).toBe('chain');
        sse.close();
      });

      test('answers 403 forbidden for a stream or symbol beyond the claims', async () => {
        const token = issuer.sign({ streams: ['timeseries'], symbols: ['SPX'], exp: inAMinute() });
        for (const path of ['/sse/chain-feed', '/sse?streams=timeseries,chain-feed']) {
          const sse = await connect(path, token);
          expect(sse.status).toBe(403);
          expect(JSON.parse(sse.body).error.code).toBe('forbidden');
        }
        const sse = await connect('/sse/timeseries?symbols=SPX,QQQ', token);
        expect(sse.status).toBe(403);
        expect(sse.headers.get('content-type')).toStartWith('application/json');
        expect(JSON.parse(sse.body).error.code).toBe('forbidden');
      });

      test('gives a request that asks for nothing only the claimed streams', async () => {
        const sse = await connect('/sse', issuer.sign({ streams: 'timeseries', exp: inAMinute() }));
        expect(sse.status).toBe(200);
        expect(JSON.parse(sse.events[0]?.data ?? '{}').streams).toEqual(['timeseries']);
        await publish(redis.client, CHAIN, { symbol: 'SPX', n: 1 });
        const first = await publish(redis.client, SERIES, { symbol: 'SPX', n: 2 });
        await sse.waitForEvents(1, 5000, (e) => e.id === first);
        // A later read is a barrier: a chain-feed entry, if leaked, was queued before it.
        const second = await publish(redis.client, SERIES, { symbol: 'SPX', n: 3 });
        await sse.waitForEvents(1, 5000, (e) => e.id === second);
        expect(sse.entries().map((e) => [e.type, JSON.parse(e.data).n])).toEqual([
          ['timeseries', 2],
          ['timeseries', 3],
        ]);
        sse.close();
      });

      test('delivers only the claimed symbols when the request names none', async () => {
        const token = issuer.sign({ symbols: ['spx', 'QQQ'], exp: inAMinute() });
        const sse = await connect('/sse/chain-feed', token);
        expect(sse.status).toBe(200);
        await publish(redis.client, CHAIN, { symbol: 'IWM', n: 1 });
        await publish(redis.client, CHAIN, { symbol: 'SPX', n: 2 });
        await publish(redis.client, CHAIN, { n: 3 });
        await publish(redis.client, CHAIN, { n: 4 }, 'qqq');
        await publish(redis.client, CHAIN, { symbol: 'SPX', n: 5 }, 'IWM');
        const last = await publish(redis.client, CHAIN, { symbol: 'QQQ', n: 6 });
        await sse.waitForEvents(1, 5000, (e) => e.id === last);
        expect(sse.entries().map((e) => JSON.parse(e.data).n)).toEqual([2, 4, 6]);
        sse.close();
      });

      test('narrows a request to the symbols it names inside the claims', async () => {
        const token = issuer.sign({ symbols: 'SPX,QQQ', exp: inAMinute() });
        const sse = await connect('/sse/chain-feed?symbols=qqq', token);
        expect(sse.status).toBe(200);
        await publish(redis.client, CHAIN, { symbol: 'SPX', n: 1 });
        const last = await publish(redis.client, CHAIN, { symbol: 'QQQ', n: 2 });
        await sse.waitForEvents(1, 5000, (e) => e.id === last);
        expect(sse.entries().map((e) => JSON.parse(e.data).n)).toEqual([2]);
        sse.close();
      });

      test('answers 401 for a token signed with another key', async () => {
        const sse = await connect('/sse/chain-feed', issuer.signWithWrongKey({ exp: inAMinute() }));
        expect(sse.status).toBe(401);
        expect(sse.headers.get('www-authenticate')).toBe('Bearer');
        expect(JSON.parse(sse.body).error.code).toBe('unauthorized');
      });

      test('answers 401 for an expired token', async () => {
        const sse = await connect('/sse/chain-feed', issuer.sign({ exp: nowSeconds() - 5 }));
        expect(sse.status).toBe(401);
        expect(sse.headers.get('content-type')).toStartWith('application/json');
        expect(JSON.parse(sse.body).error.code).toBe('unauthorized');
      });

      test('ends a stream with an expired event when the token expires', async () => {
        await waitUntil(async () => (await clients()) === 0, 5000, 'earlier clients to leave');
        const token = issuer.sign({ sub: 'soon', exp: nowSeconds() + 2 });
        const sse = await connect('/sse/timeseries', token);
        expect(sse.status).toBe(200);
        const [expired] = await sse.waitForEvents(1, 6000, (e) => e.type === 'expired');
        expect(expired?.id).toBeUndefined();
        expect(JSON.parse(expired?.data ?? '')).toBeObject();
        await sse.ended;
        expect(sse.events.at(-1)?.type).toBe('expired');
        await waitUntil(async () => (await clients()) === 0, 5000, 'the slot to be freed');
        const again = await connect('/sse/timeseries', token);
        expect(again.status).toBe(401);
      });
    });
  }
}
