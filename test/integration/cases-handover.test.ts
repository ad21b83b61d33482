/** Case 003: a client killed and resumed under steady writes, on one instance and across two. */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { type GatewayProcess, startGateway } from '../helpers/gateway-process.ts';
import { waitUntil } from '../helpers/ports.ts';
import { type RawSse, isEntry, openRawSse } from '../helpers/raw-sse.ts';
import { type RedisServer, startRedis } from '../helpers/redis-server.ts';
import { range, report, seqOf, startWriter, tally } from '../helpers/tally.ts';

const KEY = 'sse:chain-feed';
/** The case writes 20,000; 10,000 at the same rate and kill cadence keeps CI time down. */
const TOTAL = 10_000;
const RATE = 2_000;
const OPEN_AT = 2_000;
const RESUME_AFTER = 1_000;
const KILL_EVERY = 1_500;

/** One browser tab that is killed and comes back with its Last-Event-ID each time. */
class Resumer {
  readonly seqs: number[] = [];
  gaps = 0;
  connections = 0;
  private lastId: string;
  private current: RawSse | undefined;
  private turn = 0;

  constructor(
    readonly name: string,
    private readonly ports: readonly number[],
    firstCursor: string,
  ) {
    this.lastId = firstCursor;
    this.connect();
  }

  get lastSeq(): number {
    return this.seqs.at(-1) ?? 0;
  }

  /** Kills the connection (RST and FIN in turn) and reconnects, to the next instance if any. */
  killAndReconnect(): void {
    const old = this.current;
    this.current = undefined; // a closed EventSource ignores whatever still arrives
    if (this.connections % 2 === 0) old?.reset();
    else old?.end();
    this.connect();
  }

  close(): void {
    this.current?.reset();
    this.current = undefined;
  }

  private connect(): void {
    const port = this.ports[this.turn++ % this.ports.length] as number;
    this.connections++;
    const connection: RawSse = openRawSse({
      port,
      path: '/sse/chain-feed?symbols=SPX',
      headers: { 'Last-Event-ID': this.lastId },
      keepEvents: false,
      onEvent: (event) => {
        if (this.current !== connection) return;
        if (event.type === 'gap') this.gaps++;
        if (!isEntry(event)) return;
        this.seqs.push(seqOf(event.data));
        this.lastId = event.id as string;
      },
    });
    this.current = connection;
  }
}

describe('case 003: no gap at the hand-over from replay to live', () => {
  let redis: RedisServer;
  const gateways: GatewayProcess[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    for (const runtime of ['bun', 'node'] as const) {
      const gateway = await startGateway(runtime, { REDIS_URL: redis.url, HEARTBEAT_MS: '1000' });
      gateways.push(gateway);
      await waitUntil(async () => (await fetch(`${gateway.url}/health`)).ok, 15_000, 'health');
    }
  });

  afterAll(async () => {
    for (const gateway of gateways) await gateway.stop('SIGKILL');
    await redis?.stop();
  });

  test('a client killed every 1,500 entries gets each entry once, on any instance', async () => {
    const [bun, node] = gateways as [GatewayProcess, GatewayProcess];
    const writer = startWriter(redis.client, KEY, { to: TOTAL, perSecond: RATE });
    await waitUntil(() => writer.written() >= OPEN_AT, 30_000, `seq ${OPEN_AT} written`);
    const cursor = writer.ids.get(RESUME_AFTER) as string;
    const resumers = [
      new Resumer('bun, same instance', [bun.port], cursor),
      new Resumer('node, same instance', [node.port], cursor),
      new Resumer('bun and node in turn', [bun.port, node.port], cursor),
    ];
    for (let at = OPEN_AT + KILL_EVERY; at < TOTAL; at += KILL_EVERY) {
      await waitUntil(() => writer.written() >= at, 30_000, `seq ${at} written`);
      for (const resumer of resumers) resumer.killAndReconnect();
    }
    await writer.done;
    for (const resumer of resumers) {
      await waitUntil(() => resumer.lastSeq >= TOTAL, 30_000, `${resumer.name} to catch up`);
      resumer.close();
    }
    for (const resumer of resumers) {
      const result = tally(range(RESUME_AFTER + 1, TOTAL), resumer.seqs);
      report(`case 003 (${resumer.name})`, result, {
        connections: resumer.connections,
        gaps: resumer.gaps,
      });
      expect(result).toEqual({ ...result, lost: 0, duplicated: 0, outOfOrder: 0 });
      expect(resumer.seqs).toEqual(range(RESUME_AFTER + 1, TOTAL));
      expect(resumer.gaps).toBe(0);
    }
  }, 120_000);
});
