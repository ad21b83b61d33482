/** Test helper: a paced XADD writer and the one-line loss/duplicate summary tests print. */
import type { Redis } from 'ioredis';

export type Tally = {
  published: number;
  received: number;
  lost: number;
  duplicated: number;
  /** Deliveries whose seq was not above the previous one (per connection sequence). */
  outOfOrder: number;
};

/** Compares the seqs a client received (in arrival order) with the ones it should have. */
export function tally(expected: readonly number[], received: readonly number[]): Tally {
  const want = new Set(expected);
  const seen = new Set<number>();
  let duplicated = 0;
  let outOfOrder = 0;
  let previous = Number.NEGATIVE_INFINITY;
  for (const seq of received) {
    if (seen.has(seq)) duplicated++;
    seen.add(seq);
    if (seq <= previous) outOfOrder++;
    previous = seq;
  }
  let lost = 0;
  for (const seq of want) if (!seen.has(seq)) lost++;
  return { published: want.size, received: received.length, lost, duplicated, outOfOrder };
}

/** Prints `<name>: published N, received N, lost N, duplicated N[, extra...]` on one line. */
export function report(name: string, t: Tally, extra: Record<string, string | number> = {}): void {
  const parts = [
    `published ${t.published}`,
    `received ${t.received}`,
    `lost ${t.lost}`,
    `duplicated ${t.duplicated}`,
    ...Object.entries(extra).map(([key, value]) => `${key} ${value}`),
  ];
  console.log(`[summary] ${name}: ${parts.join(', ')}`);
}

/** The `seq` of an entry's JSON payload. */
export function seqOf(data: string): number {
  return (JSON.parse(data) as { seq: number }).seq;
}

/** `from..to` inclusive. */
export function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

export type Writer = {
  /** Redis entry ID of each seq written so far. */
  ids: Map<number, string>;
  /** Highest seq written so far. */
  written: () => number;
  /** Resolves when every seq has been written (or `stop()` was called). */
  done: Promise<void>;
  stop: () => void;
};

/**
 * Writes `{"symbol":S,"seq":n}` for n = from..to at `perSecond`, as pipelined XADDs every
 * few milliseconds (as a busy producer does), recording each entry's ID.
 */
export function startWriter(
  redis: Redis,
  key: string,
  options: { from?: number; to: number; perSecond: number; symbol?: string; padBytes?: number },
): Writer {
  const { to, perSecond, symbol = 'SPX' } = options;
  const pad = options.padBytes ? `,"pad":"${'x'.repeat(options.padBytes)}"` : '';
  const ids = new Map<number, string>();
  const first = options.from ?? 1;
  let next = first;
  let written = first - 1;
  let stopped = false;
  const startedAt = performance.now();
  const done = (async () => {
    while (!stopped && next <= to) {
      const elapsedMs = performance.now() - startedAt;
      const due = Math.min(to, first - 1 + Math.floor((elapsedMs * perSecond) / 1000));
      if (due >= next) {
        const pipeline = redis.pipeline();
        const seqs: number[] = [];
        for (; next <= due; next++) {
          seqs.push(next);
          pipeline.xadd(key, '*', 'json', `{"symbol":"${symbol}","seq":${next}${pad}}`);
        }
        const results = (await pipeline.exec()) ?? [];
        results.forEach(([error, id], index) => {
          if (error) throw error;
          ids.set(seqs[index] as number, id as string);
        });
        written = next - 1;
      }
      await new Promise((resolve) => setTimeout(resolve, 4)); // pacing, not an assertion
    }
  })();
  return { ids, written: () => written, done, stop: () => (stopped = true) };
}
