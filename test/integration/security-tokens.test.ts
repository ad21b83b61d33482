/** AUTH_TOKENS end to end: where a token may come from, which wins, which routes need one. */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { type GatewayProcess, type Runtime, startGateway } from '../helpers/gateway-process.ts';
import { waitUntil } from '../helpers/ports.ts';
import { type RedisServer, publish, startRedis } from '../helpers/redis-server.ts';
import { type SseConnection, openSse } from '../helpers/sse-client.ts';

const GOOD = 'tok-good-5b1f0c2e9a7d4e31';
const OTHER = 'tok-other-88a3c6f1d2e04b57';
const WRONG = 'tok-wrong-0000000000000000';

for (const runtime of ['bun', 'node'] as Runtime[]) {
  describe(`static tokens on ${runtime}`, () => {
    let redis: RedisServer;
    let gateway: GatewayProcess;
    const open: SseConnection[] = [];
    const connect = async (path: string, headers: Record<string, string> = {}) => {
      const sse = await openSse(`${gateway.url}${path}`, headers);
      open.push(sse);
      return sse;
    };
    /** Opens a stream and proves it live: an entry published now arrives on it. */
    const expectLive = async (sse: SseConnection) => {
      expect(sse.status).toBe(200);
      await sse.waitForEvents(1, 5000, (e) => e.type === 'connected');
      const id = await publish(redis.client, 'sse:timeseries', { symbol: 'TOK', n: 1 });
      const events = await sse.waitForEvents(1, 5000, (e) => e.id === id);
      expect(events[0]?.type).toBe('timeseries');
      sse.close();
    };
    const expectUnauthorized = (sse: SseConnection) => {
      expect(sse.status).toBe(401);
      expect(sse.headers.get('www-authenticate')).toBe('Bearer');
      expect(sse.headers.get('content-type')).toStartWith('application/json');
      expect(JSON.parse(sse.body).error.code).toBe('unauthorized');
    };

    beforeAll(async () => {
      redis = await startRedis();
      gateway = await startGateway(runtime, {
        REDIS_URL: redis.url,
        AUTH_TOKENS: `${GOOD},${OTHER}`,
      });
      expect(gateway.output()).toContain(`"runtime":"${runtime} `);
      await waitUntil(async () => (await fetch(`${gateway.url}/health`)).ok, 10_000, 'health');
    });

    afterAll(async () => {
      for (const sse of open) sse.close();
      await gateway?.stop('SIGKILL');
      await redis?.stop();
    });

    test('refuses a stream without a token with 401 JSON and WWW-Authenticate', async () => {
      const sse = await connect('/sse/timeseries');
      expectUnauthorized(sse);
      const body = JSON.parse(sse.body);
      expect(Object.keys(body)).toEqual(['error']);
      expect(typeof body.error.message).toBe('string');
      expect(sse.headers.get('content-type')).not.toContain('text/event-stream');
    });

    test('refuses a wrong token in each of the three places', async () => {
      expectUnauthorized(await connect('/sse/timeseries', { Authorization: `Bearer ${WRONG}` }));
      expectUnauthorized(await connect('/sse/timeseries', { Cookie: `access_token=${WRONG}` }));
      expectUnauthorized(await connect(`/sse/timeseries?token=${WRONG}`));
    });

    test('accepts a token as an Authorization Bearer header', async () => {
      await expectLive(await connect('/sse/timeseries', { Authorization: `Bearer ${GOOD}` }));
    });

    test('accepts a token as an access_token cookie among other cookies', async () => {
      const cookie = `theme=dark; access_token=${OTHER}; lang=en`;
      await expectLive(await connect('/sse/timeseries', { Cookie: cookie }));
    });

    test('accepts a token as a token query parameter', async () => {
      await expectLive(await connect(`/sse/timeseries?token=${encodeURIComponent(GOOD)}`));
    });

    test('lets the header decide over a cookie and a query parameter', async () => {
      const good = { Authorization: `Bearer ${GOOD}`, Cookie: `access_token=${WRONG}` };
      await expectLive(await connect(`/sse/timeseries?token=${WRONG}`, good));
      const bad = { Authorization: `Bearer ${WRONG}`, Cookie: `access_token=${GOOD}` };
      expectUnauthorized(await connect(`/sse/timeseries?token=${GOOD}`, bad));
    });

    test('lets the cookie decide over the query parameter', async () => {
      const good = { Cookie: `access_token=${GOOD}` };
      await expectLive(await connect(`/sse/timeseries?token=${WRONG}`, good));
      const bad = { Cookie: `access_token=${WRONG}` };
      expectUnauthorized(await connect(`/sse/timeseries?token=${GOOD}`, bad));
    });

    test('does not fall back to a later source when the header has another scheme', async () => {
      const basic = { Authorization: `Basic ${btoa(`user:${GOOD}`)}` };
      expectUnauthorized(await connect(`/sse/timeseries?token=${GOOD}`, basic));
    });

    test('serves /health, /livez and the page at / without a token', async () => {
      const health = await fetch(`${gateway.url}/health`);
      expect(health.status).toBe(200);
      expect((await health.json()).status).toBe('ok');
      expect((await fetch(`${gateway.url}/livez`)).status).toBe(200);
      // 200 with the demo page, 404 when public/ is absent; never a demand for a token.
      const page = await fetch(`${gateway.url}/`);
      await page.arrayBuffer();
      expect([200, 404]).toContain(page.status);
      expect(page.headers.get('www-authenticate')).toBeNull();
    });

    test('answers a preflight OPTIONS without a token', async () => {
      const preflight = await fetch(`${gateway.url}/sse/timeseries`, {
        method: 'OPTIONS',
        headers: { Origin: 'https://app.example', 'Access-Control-Request-Method': 'GET' },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('www-authenticate')).toBeNull();
    });

    test('requires a token for /metrics and accepts it from any source', async () => {
      const anonymous = await fetch(`${gateway.url}/metrics`);
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get('www-authenticate')).toBe('Bearer');
      expect((await anonymous.json()).error.code).toBe('unauthorized');
      const withHeader = await fetch(`${gateway.url}/metrics`, {
        headers: { Authorization: `Bearer ${GOOD}` },
      });
      expect(withHeader.status).toBe(200);
      expect(withHeader.headers.get('content-type')).toStartWith('text/plain');
      await withHeader.text();
      const withQuery = await fetch(`${gateway.url}/metrics?token=${GOOD}`);
      expect(withQuery.status).toBe(200);
      await withQuery.text();
    });

    test('never lets a client count as connected before it authenticates', async () => {
      const clients = async () => (await (await fetch(`${gateway.url}/health`)).json()).clients;
      await waitUntil(async () => (await clients()) === 0, 5000, 'earlier clients to leave');
      const refused = await Promise.all([1, 2, 3].map(() => connect('/sse/timeseries')));
      for (const sse of refused) expect(sse.status).toBe(401);
      expect(await clients()).toBe(0);
    });
  });
}
