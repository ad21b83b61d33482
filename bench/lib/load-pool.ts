// The bench's side of the load workers: spreads connections over them and merges their stats.
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { takeAddresses } from './addresses.ts';
import { forkModule, stopChild } from './children.ts';
import { request } from './rpc.ts';
import type { Target } from '../load/connection.ts';
import { Histogram } from '../load/histogram.ts';
import type { Counts, KeyStats, WorkerReply, WorkerStats } from '../load/protocol.ts';

const WORKER = fileURLToPath(new URL('../load/worker.ts', import.meta.url));
/** A worker holds at most this many sockets, well under a 20k per-process fd limit. */
const PER_WORKER = 12_000;

export type ConnectResult = { open: number; failed: number; errors: Record<string, number> };
export type PoolStats = Omit<WorkerStats, 'latency'> & { latency: Histogram };
/** What a window needs of its clients: one pool, or several (scenario e's client kinds). */
export type Pool = Pick<LoadPool, 'pids' | 'reset' | 'counts' | 'report'>;

/** Merges per-worker instrument tallies; the mean is weighted by the instruments seen. */
export function mergeKeys(all: KeyStats[]): KeyStats | undefined {
  if (all.length === 0) return undefined;
  const keysSeen = all.reduce((s, k) => s + k.keysSeen, 0);
  const weighted = all.reduce((s, k) => s + k.meanPerSec * k.keysSeen, 0);
  return {
    keysSeen,
    meanPerSec: keysSeen > 0 ? weighted / keysSeen : 0,
    maxIn1s: Math.max(...all.map((k) => k.maxIn1s)),
    lastMatches: all.reduce((s, k) => s + k.lastMatches, 0),
    lastChecked: all.reduce((s, k) => s + k.lastChecked, 0),
  };
}

export class LoadPool {
  private constructor(private readonly workers: ChildProcess[]) {}

  /** At least `minWorkers` processes, more when `clients` would not fit. */
  static create(clients: number, minWorkers: number): LoadPool {
    const count = Math.max(minWorkers, Math.ceil(clients / PER_WORKER));
    const workers = Array.from({ length: count }, () => forkModule(WORKER, []));
    return new LoadPool(workers);
  }

  pids(): number[] {
    return this.workers.map((w) => w.pid ?? 0).filter((pid) => pid > 0);
  }

  async connect(
    target: Target,
    clients: number,
    sampled: number,
    instruments?: number,
  ): Promise<ConnectResult> {
    const addresses = takeAddresses(clients);
    const n = this.workers.length;
    const replies = await Promise.all(
      this.workers.map((worker, i) => {
        const count = Math.floor(clients / n) + (i < clients % n ? 1 : 0);
        const share = Math.floor(sampled / n) + (i < sampled % n ? 1 : 0);
        const command = { type: 'connect', target, count, addresses, sampled: share, instruments };
        const full = { ...command, concurrency: 64, timeoutMs: 15_000 };
        return request<Extract<WorkerReply, { type: 'connected' }>>(
          worker,
          full,
          'connected',
          30_000 + count * 10,
        );
      }),
    );
    const errors: Record<string, number> = {};
    for (const reply of replies) {
      for (const [reason, k] of Object.entries(reply.errors))
        errors[reason] = (errors[reason] ?? 0) + k;
    }
    return {
      open: replies.reduce((s, r) => s + r.open, 0),
      failed: replies.reduce((s, r) => s + r.failed, 0),
      errors,
    };
  }

  async reset(seqFrom: number): Promise<void> {
    await Promise.all(
      this.workers.map((w) => request(w, { type: 'reset', seqFrom }, 'reset-done', 10_000)),
    );
  }

  async counts(): Promise<Counts> {
    const replies = await Promise.all(
      this.workers.map((w) =>
        request<Extract<WorkerReply, { type: 'counts' }>>(w, { type: 'count' }, 'counts', 10_000),
      ),
    );
    return replies.reduce(
      (sum, { counts: c }) => ({
        open: sum.open + c.open,
        frames: sum.frames + c.frames,
        withFrames: sum.withFrames + c.withFrames,
        closed: sum.closed + c.closed,
      }),
      { open: 0, frames: 0, withFrames: 0, closed: 0 },
    );
  }

  /** `windowMs` asks for the per-instrument tally of connections opened with `instruments`. */
  async report(seqTo: number, windowMs?: number): Promise<PoolStats> {
    const replies = await Promise.all(
      this.workers.map((w) =>
        request<Extract<WorkerReply, { type: 'report' }>>(
          w,
          { type: 'report', seqTo, windowMs },
          'report',
          10_000,
        ),
      ),
    );
    const latency = new Histogram();
    const total: PoolStats = {
      open: 0,
      frames: 0,
      withFrames: 0,
      closed: 0,
      bytes: 0,
      sampledOpen: 0,
      received: 0,
      missed: 0,
      dups: 0,
      reordered: 0,
      latency,
    };
    for (const { stats } of replies) {
      latency.merge(stats.latency);
      for (const key of [
        'open',
        'frames',
        'withFrames',
        'closed',
        'bytes',
        'sampledOpen',
        'received',
        'missed',
        'dups',
        'reordered',
      ] as const)
        total[key] += stats[key];
    }
    const keys = mergeKeys(replies.flatMap(({ stats }) => (stats.keys ? [stats.keys] : [])));
    return keys === undefined ? total : { ...total, keys };
  }

  /** Closes every socket and ends the workers. */
  async close(): Promise<void> {
    for (const worker of this.workers) if (worker.connected) worker.send({ type: 'close' });
    await Promise.all(this.workers.map((w) => stopChild(w, 5000)));
  }
}
