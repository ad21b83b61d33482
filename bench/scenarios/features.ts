// Scenario (e): 1,000 plain clients, then 1,000 mixing snapshot, maxRate and where, same rate.
import type { Features } from '../lib/config.ts';
import { LoadPool, type PoolStats } from '../lib/load-pool.ts';
import { PoolGroup } from '../lib/pool-group.ts';
import type { Running } from '../lib/targets.ts';
import { delay } from '../lib/wait.ts';
import { EXPIRIES } from '../load/payload.ts';
import type { KeyStats } from '../load/protocol.ts';
import { type Bench, withServer } from './rig.ts';
import { measureWindow, type Rig, warmUp, type WindowResult } from './window.ts';

export type KindName = 'plain' | 'snapshot' | 'maxRate' | 'where';
export type KindResult = {
  kind: KindName;
  query: string;
  clients: number;
  closed: number;
  perClientPerSec: number;
  /** What each client of this kind should get per second at the offered rate. */
  expectedPerSec: number;
  sampledConns: number;
  p50Ms: number;
  p99Ms: number;
  /** Mean frames a snapshot client got on connecting, before any live entry was published. */
  snapshotFrames?: number;
  keys?: KeyStats;
};
export type Phase = { name: 'control' | 'mixed'; window: WindowResult; kinds: KindResult[] };
export type FeaturesResult = Features & { phases: Phase[] };

type Kind = { kind: KindName; query: string; expectedPerSec: number };

function kinds(plan: Features): Kind[] {
  const { rate, instruments, maxRate } = plan;
  return [
    { kind: 'plain', query: '', expectedPerSec: rate },
    { kind: 'snapshot', query: '?snapshot=1', expectedPerSec: rate },
    {
      kind: 'maxRate',
      query: `?maxRate=${maxRate}`,
      expectedPerSec: Math.min(rate, maxRate * instruments),
    },
    // The publisher's instruments alternate between the two expiries: half the entries match.
    { kind: 'where', query: `?where=expiry:${EXPIRIES[0]}`, expectedPerSec: rate / 2 },
  ];
}

/** Frames that keep arriving with nothing published (a snapshot) stop; returns the count. */
async function settledFrames(pool: LoadPool, maxMs: number): Promise<number> {
  const deadline = Date.now() + maxMs;
  let last = -1;
  for (;;) {
    const { frames } = await pool.counts();
    if ((frames === last && frames > 0) || Date.now() > deadline) return frames;
    last = frames;
    await delay(300);
  }
}

function kindResult(kind: Kind, stats: PoolStats, seconds: number): KindResult {
  return {
    kind: kind.kind,
    query: kind.query,
    clients: stats.open,
    closed: stats.closed,
    perClientPerSec: stats.open > 0 ? stats.frames / stats.open / seconds : 0,
    expectedPerSec: kind.expectedPerSec,
    sampledConns: stats.sampledOpen,
    p50Ms: stats.latency.percentile(0.5),
    p99Ms: stats.latency.percentile(0.99),
    ...(stats.keys ? { keys: stats.keys } : {}),
  };
}

async function phase(
  bench: Bench,
  server: Running,
  name: Phase['name'],
  chosen: Kind[],
): Promise<Phase> {
  const plan = bench.settings.features;
  const each = Math.floor(plan.clients / chosen.length);
  const group = new PoolGroup(chosen.map(() => LoadPool.create(each, 1)));
  try {
    const snapshots = new Map<number, number>();
    for (const [i, kind] of chosen.entries()) {
      const pool = group.pools[i] as LoadPool;
      const path = `${server.path}${kind.query}`;
      const target = { host: '127.0.0.1', port: server.port, path, event: server.event };
      const instruments = kind.kind === 'maxRate' ? plan.instruments : undefined;
      const connect = await pool.connect(target, each, plan.sampledPerKind, instruments);
      if (connect.failed > 0) {
        bench.note(`(e) ${name}: ${connect.failed} of ${each} ${kind.kind} clients failed`);
      }
      // Nothing is being published now: whatever a snapshot client receives is its snapshot.
      if (kind.kind === 'snapshot') {
        snapshots.set(i, (await settledFrames(pool, 5000)) / Math.max(1, connect.open));
      }
    }
    const rig: Rig<PoolGroup> = {
      pool: group,
      publisher: bench.publisher,
      server,
      redisPid: bench.redisPid,
    };
    await warmUp(rig, 0);
    const load = { rate: plan.rate, windowMs: plan.windowMs, payloadBytes: 0 };
    const window = await measureWindow(rig, load, bench.settings.drainMaxMs);
    const seqTo = bench.publisher.nextSeq;
    const windowMs = window.publishSeconds * 1000;
    const all = await Promise.all(group.pools.map((pool) => pool.report(seqTo, windowMs)));
    const results = chosen.map((kind, i) => {
      const result = kindResult(kind, all[i] as PoolStats, window.publishSeconds);
      const frames = snapshots.get(i);
      return frames === undefined ? result : { ...result, snapshotFrames: frames };
    });
    // The control phase is one kind in several pools: report it as one row.
    const kindsOut =
      name === 'control'
        ? [kindResult(chosen[0] as Kind, await group.report(seqTo), window.publishSeconds)]
        : results;
    bench.progress(`  (e) ${name}: server CPU ${window.server.cpuPct.toFixed(0)} %`);
    return { name, window, kinds: kindsOut };
  } finally {
    await group.close();
  }
}

export function features(bench: Bench): Promise<FeaturesResult> {
  const plan = bench.settings.features;
  const mixed = kinds(plan);
  const plain = mixed[0] as Kind;
  return withServer(bench, async (server) => {
    bench.publisher.instruments = plan.instruments;
    try {
      const control = await phase(
        bench,
        server,
        'control',
        mixed.map(() => plain),
      );
      const mixedPhase = await phase(bench, server, 'mixed', mixed);
      return { ...plan, phases: [control, mixedPhase] };
    } finally {
      bench.publisher.instruments = 1;
    }
  });
}
