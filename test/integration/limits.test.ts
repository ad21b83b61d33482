/** MAX_CLIENTS and MAX_CLIENTS_PER_KEY on real processes: refusals, Retry-After, freed slots. */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { type GatewayProcess, type Runtime, startGateway } from '../helpers/gateway-process.ts';
import { waitUntil } from '../helpers/ports.ts';
import { type RedisServer, startRedis } from '../helpers/redis-server.ts';
import { type SseConnection, openSse } from '../helpers/sse-client.ts';

const TOO_MANY = 'too_many_connections';

type Limited = { redis: RedisServer; gateway: GatewayProcess; open: SseConnection[] };

/** One Redis and one gateway per describe block, torn down after it. */
function useGateway(runtime: Runtime, env: Record<string, string>): Limited {
  const limited = { open: [] } as unknown as Limited;
  beforeAll(async () => {
    limited.redis = await startRedis();
    limited.gateway = await startGateway(runtime, { REDIS_URL: limited.redis.url, ...env });
    const { url } = limited.gateway;
    await waitUntil(async () => (await fetch(`${url}/health`)).ok, 10_000, 'health');
  });
  afterAll(async () => {
    for (const sse of limited.open) sse.close();
    await limited.gateway?.stop('SIGKILL');
    await limited.redis?.stop();
  });
  return limited;
}

async function connect(limited: Limited, path: string, token?: string): Promise<SseConnection> {
  const headers: Record<string, string> = token ? { Authorization: `Bearer ${token}` } : {};
  const sse = await openSse(`${limited.gateway.url}${path}`, headers);
  limited.open.push(sse);
  if (sse.status === 200) await sse.waitForEvents(1, 5000, (e) => e.type === 'connected');
  return sse;
}

function expectRefused(sse: SseConnection, status: number, code: string): void {
  expect({ status: sse.status, code: JSON.parse(sse.body || '{}').error?.code }).toEqual({
    status,
    code,
  });
  expect(Number(sse.headers.get('retry-after'))).toBeGreaterThan(0);
  expect(sse.headers.get('content-type')).toStartWith('application/json');
}

async function clientsOn(limited: Limited): Promise<number> {
  return (await (await fetch(`${limited.gateway.url}/health`)).json()).clients;
}

/** Waits until a disconnect has reached the gateway and its slot is free again. */
async function waitForClients(limited: Limited, count: number): Promise<void> {
  await waitUntil(async () => (await clientsOn(limited)) === count, 5000, `${count} clients`);
}

for (const runtime of ['bun', 'node'] as Runtime[]) {
  describe(`MAX_CLIENTS on ${runtime}`, () => {
    const limited = useGateway(runtime, { MAX_CLIENTS: '3' });

    test('refuses the fourth client with 503 at_capacity and Retry-After', async () => {
      const three = await Promise.all([1, 2, 3].map(() => connect(limited, '/sse/chain-feed')));
      expect(three.map((sse) => sse.status)).toEqual([200, 200, 200]);
      expectRefused(await connect(limited, '/sse/timeseries'), 503, 'at_capacity');
      for (const sse of three) sse.close();
      await waitForClients(limited, 0);
    });

    test('admits a new client once one disconnects', async () => {
      const three = await Promise.all([1, 2, 3].map(() => connect(limited, '/sse/chain-feed')));
      expectRefused(await connect(limited, '/sse/chain-feed'), 503, 'at_capacity');
      three[0]?.close();
      await waitForClients(limited, 2);
      const next = await connect(limited, '/sse/chain-feed');
      expect(next.status).toBe(200);
      expectRefused(await connect(limited, '/sse/chain-feed'), 503, 'at_capacity');
      for (const sse of [...three, next]) sse.close();
      await waitForClients(limited, 0);
    });

    test('holds no slot for a HEAD request, which has no body to stream', async () => {
      for (let i = 0; i < 4; i++) {
        const head = await fetch(`${limited.gateway.url}/sse/chain-feed`, { method: 'HEAD' });
        expect(head.status).toBe(200);
        expect(head.headers.get('content-type')).toStartWith('text/event-stream');
      }
      expect(await clientsOn(limited)).toBe(0);
      const three = await Promise.all([1, 2, 3].map(() => connect(limited, '/sse/chain-feed')));
      expect(three.map((sse) => sse.status)).toEqual([200, 200, 200]);
      // At capacity, HEAD answers as GET would: 503 at_capacity.
      const full = await fetch(`${limited.gateway.url}/sse/chain-feed`, { method: 'HEAD' });
      expect(full.status).toBe(503);
      expect(full.headers.get('retry-after')).toBe('5');
      for (const sse of three) sse.close();
      await waitForClients(limited, 0);
    });

    test('does not count refused requests as clients', async () => {
      const three = await Promise.all([1, 2, 3].map(() => connect(limited, '/sse/chain-feed')));
      for (let i = 0; i < 5; i++) {
        expectRefused(await connect(limited, '/sse/chain-feed'), 503, 'at_capacity');
      }
      expect(await clientsOn(limited)).toBe(3);
      for (const sse of three) sse.close();
      await waitForClients(limited, 0);
      const again = await Promise.all([1, 2, 3].map(() => connect(limited, '/sse/chain-feed')));
      expect(again.map((sse) => sse.status)).toEqual([200, 200, 200]);
      for (const sse of again) sse.close();
      await waitForClients(limited, 0);
    });
  });

  describe(`MAX_CLIENTS_PER_KEY on ${runtime}`, () => {
    const limited = useGateway(runtime, {
      MAX_CLIENTS_PER_KEY: '2',
      MAX_CLIENTS: '4',
      AUTH_TOKENS: 'tok-a,tok-b,tok-c',
    });

    test('refuses a third connection of a token with 429 while another token gets in', async () => {
      const a1 = await connect(limited, '/sse/chain-feed', 'tok-a');
      const a2 = await connect(limited, '/sse/timeseries', 'tok-a');
      expect([a1.status, a2.status]).toEqual([200, 200]);
      expectRefused(await connect(limited, '/sse/chain-feed', 'tok-a'), 429, TOO_MANY);
      const b1 = await connect(limited, '/sse/chain-feed', 'tok-b');
      expect(b1.status).toBe(200);
      for (const sse of [a1, a2, b1]) sse.close();
      await waitForClients(limited, 0);
    });

    test("gives a token's slot back when one of its clients disconnects", async () => {
      const a1 = await connect(limited, '/sse/chain-feed', 'tok-a');
      const a2 = await connect(limited, '/sse/chain-feed', 'tok-a');
      expectRefused(await connect(limited, '/sse/chain-feed', 'tok-a'), 429, TOO_MANY);
      a1.close();
      await waitForClients(limited, 1);
      const a3 = await connect(limited, '/sse/chain-feed', 'tok-a');
      expect(a3.status).toBe(200);
      for (const sse of [a2, a3]) sse.close();
      await waitForClients(limited, 0);
    });

    test('answers 429 before 503 for a token over its limit on a full gateway', async () => {
      const held = [
        await connect(limited, '/sse/chain-feed', 'tok-a'),
        await connect(limited, '/sse/chain-feed', 'tok-a'),
        await connect(limited, '/sse/chain-feed', 'tok-b'),
        await connect(limited, '/sse/chain-feed', 'tok-b'),
      ];
      expect(held.map((sse) => sse.status)).toEqual([200, 200, 200, 200]);
      expectRefused(await connect(limited, '/sse/chain-feed', 'tok-a'), 429, TOO_MANY);
      expectRefused(await connect(limited, '/sse/chain-feed', 'tok-c'), 503, 'at_capacity');
      for (const sse of held) sse.close();
      await waitForClients(limited, 0);
    });
  });

  describe(`MAX_CLIENTS_PER_KEY without auth on ${runtime}`, () => {
    const limited = useGateway(runtime, { MAX_CLIENTS_PER_KEY: '2' });

    test('counts connections per client address when there is no token', async () => {
      const two = [
        await connect(limited, '/sse/chain-feed'),
        await connect(limited, '/sse/chain-feed'),
      ];
      expect(two.map((sse) => sse.status)).toEqual([200, 200]);
      expectRefused(await connect(limited, '/sse/chain-feed'), 429, 'too_many_connections');
      for (const sse of two) sse.close();
      await waitForClients(limited, 0);
      expect((await connect(limited, '/sse/chain-feed')).status).toBe(200);
    });
  });
}
