// Several load pools (one per client kind, each with its own URL) measured as one set of clients.
import { Histogram } from '../load/histogram.ts';
import type { Counts } from '../load/protocol.ts';
import { type LoadPool, mergeKeys, type Pool, type PoolStats } from './load-pool.ts';

export class PoolGroup implements Pool {
  constructor(readonly pools: LoadPool[]) {}

  pids(): number[] {
    return this.pools.flatMap((pool) => pool.pids());
  }

  async reset(seqFrom: number): Promise<void> {
    await Promise.all(this.pools.map((pool) => pool.reset(seqFrom)));
  }

  async counts(): Promise<Counts> {
    const all = await Promise.all(this.pools.map((pool) => pool.counts()));
    return all.reduce((sum, c) => ({
      open: sum.open + c.open,
      frames: sum.frames + c.frames,
      withFrames: sum.withFrames + c.withFrames,
      closed: sum.closed + c.closed,
    }));
  }

  async report(seqTo: number, windowMs?: number): Promise<PoolStats> {
    const all = await Promise.all(this.pools.map((pool) => pool.report(seqTo, windowMs)));
    const latency = new Histogram();
    for (const stats of all) latency.merge(stats.latency.toData());
    const total = all.reduce((sum, s) => ({
      ...sum,
      open: sum.open + s.open,
      frames: sum.frames + s.frames,
      withFrames: sum.withFrames + s.withFrames,
      closed: sum.closed + s.closed,
      bytes: sum.bytes + s.bytes,
      sampledOpen: sum.sampledOpen + s.sampledOpen,
      received: sum.received + s.received,
      missed: sum.missed + s.missed,
      dups: sum.dups + s.dups,
      reordered: sum.reordered + s.reordered,
    }));
    const keys = mergeKeys(all.flatMap((s) => (s.keys ? [s.keys] : [])));
    return { ...total, latency, ...(keys ? { keys } : {}) };
  }

  async close(): Promise<void> {
    await Promise.all(this.pools.map((pool) => pool.close()));
  }
}
