/** Case 013: a token never shows up in the gateway's logs or in any response body. */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { type GatewayProcess, type Runtime, startGateway } from '../helpers/gateway-process.ts';
import { type JwtIssuer, createJwtIssuer, nowSeconds } from '../helpers/jwt.ts';
import { waitUntil } from '../helpers/ports.ts';
import { type RedisServer, publish, startRedis } from '../helpers/redis-server.ts';
import { type SseConnection, openSse } from '../helpers/sse-client.ts';

for (const runtime of ['bun', 'node'] as Runtime[]) {
  describe(`token redaction on ${runtime}`, () => {
    // Unique per run, so a match can only come from this file's requests.
    const marker = `leakmarker${crypto.randomUUID().replaceAll('-', '')}`;
    const q = (token: string) => encodeURIComponent(token);
    let redis: RedisServer;
    let gateway: GatewayProcess;
    let issuer: JwtIssuer;
    /** Every secret this file sends; their distinctive parts are searched for afterwards. */
    const secrets: string[] = [marker];
    const bodies: string[] = [];
    const open: SseConnection[] = [];
    const send = async (path: string, headers: Record<string, string> = {}) => {
      const sse = await openSse(`${gateway.url}${path}`, headers);
      open.push(sse);
      bodies.push(sse.body);
      return sse;
    };
    const jwt = (payload: object) => {
      const token = issuer.sign({ sub: `user-${marker}`, ...payload });
      secrets.push(token);
      return token;
    };
    /** A JWT's header part is shared by many tokens; its payload and signature are not. */
    const distinctive = () =>
      secrets.flatMap((secret) => (secret.includes('.') ? secret.split('.').slice(1) : [secret]));

    beforeAll(async () => {
      issuer = createJwtIssuer('HS256');
      redis = await startRedis();
      gateway = await startGateway(runtime, {
        REDIS_URL: redis.url,
        AUTH_TOKENS: marker,
        MAX_CLIENTS_PER_KEY: '1',
        LOG_LEVEL: 'debug',
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

    test('streams to a token in the query without echoing it', async () => {
      const sse = await send(`/sse/chain-feed?symbols=SPX&token=${q(marker)}`);
      expect(sse.status).toBe(200);
      const id = await publish(redis.client, 'sse:chain-feed', { symbol: 'SPX', n: 1 });
      await sse.waitForEvents(1, 5000, (e) => e.id === id);
      sse.close();
      bodies.push(sse.raw());
      const both = await send(`/sse/timeseries?access_token=${q(marker)}&token=${q(marker)}`);
      expect(both.status).toBe(200);
      await both.waitForEvents(1, 5000, (e) => e.type === 'connected');
      both.close();
      bodies.push(both.raw());
    });

    test('answers error paths with a query token without echoing it', async () => {
      const token = `token=${q(marker)}`;
      const cases: Array<[string, number, Record<string, string>?]> = [
        [`/sse/chain-feed?symbols=SPX,,&${token}`, 400],
        [`/sse/chain-feed?symbols=${q('<b>')}&${token}`, 400],
        [`/sse/chain-feed?symbols=%E0%A4%A&${token}`, 400],
        [`/sse/chain-feed?lastEventId=zzz&${token}`, 400],
        [`/sse/chain-feed?${token}`, 400, { 'Last-Event-ID': `${marker}-0` }],
        [`/sse/nope?${token}`, 404],
        [`/no-such-route?${token}`, 404],
        [`/sse/chain-feed?token=${q(`${marker}x`)}`, 401],
        [`/sse/chain-feed?token=aaa.bbb.${marker}`, 401],
        ['/sse/chain-feed', 401, { Authorization: `Bearer ${marker}y` }],
        ['/sse/chain-feed', 401, { Authorization: `Basic ${marker}` }],
        ['/sse/chain-feed', 401, { Cookie: `access_token=${marker}z` }],
        [`/metrics?token=${q(`${marker}x`)}`, 401],
      ];
      for (const [path, status, headers] of cases) {
        expect({ path, status: (await send(path, headers)).status }).toEqual({ path, status });
      }
    });

    test('answers 429 for a token over its limit without echoing it', async () => {
      const holder = await send(`/sse/chain-feed?token=${q(marker)}`);
      expect(holder.status).toBe(200);
      await holder.waitForEvents(1, 5000, (e) => e.type === 'connected');
      expect((await send(`/sse/timeseries?token=${q(marker)}`)).status).toBe(429);
      holder.close();
    });

    test('answers expired, forged and forbidden JWTs without echoing them', async () => {
      const expired = jwt({ exp: nowSeconds() - 10 });
      expect((await send(`/sse/chain-feed?token=${q(expired)}`)).status).toBe(401);
      const forged = issuer.signWithWrongKey({ sub: marker, exp: nowSeconds() + 60 });
      secrets.push(forged);
      expect((await send(`/sse/chain-feed?token=${q(forged)}`)).status).toBe(401);
      const narrow = jwt({ symbols: ['SPX'], exp: nowSeconds() + 60 });
      expect((await send(`/sse/chain-feed?symbols=QQQ&token=${q(narrow)}`)).status).toBe(403);
      const soon = jwt({ exp: nowSeconds() + 2 });
      const ending = await send(`/sse/chain-feed?token=${q(soon)}`);
      expect(ending.status).toBe(200);
      await ending.waitForEvents(1, 6000, (e) => e.type === 'expired');
      bodies.push(ending.raw());
    });

    test('found no token in any response body', () => {
      expect(bodies.length).toBeGreaterThan(20);
      for (const body of bodies) {
        for (const secret of distinctive()) expect(body).not.toContain(secret);
      }
    });

    test('wrote no token to its output, from start to graceful shutdown', async () => {
      expect(await gateway.stop('SIGTERM')).toBe(0);
      const output = gateway.output();
      // The capture works: the gateway's own start and stop lines are in it.
      expect(output).toContain('"msg":"listening"');
      expect(output).toContain('"msg":"stopped"');
      for (const secret of distinctive()) expect(output).not.toContain(secret);
    });
  });
}
