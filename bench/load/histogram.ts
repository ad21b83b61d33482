// A mergeable latency histogram with ~1 % relative precision, small enough to send over IPC.
const GROWTH = Math.log(1.01);
const MIN_US = 1;

/** Bucket index → count; bucket i holds latencies in [1.01^i, 1.01^(i+1)) µs. */
export type HistogramData = { buckets: Record<string, number>; count: number; maxMs: number };

export class Histogram {
  private readonly counts = new Map<number, number>();
  count = 0;
  maxMs = 0;

  record(ms: number): void {
    // Clocks of two processes can disagree by microseconds: clamp, never drop.
    const us = Math.max(MIN_US, ms * 1000);
    const index = Math.floor(Math.log(us) / GROWTH);
    this.counts.set(index, (this.counts.get(index) ?? 0) + 1);
    this.count += 1;
    if (ms > this.maxMs) this.maxMs = ms;
  }

  reset(): void {
    this.counts.clear();
    this.count = 0;
    this.maxMs = 0;
  }

  merge(data: HistogramData): void {
    for (const [key, n] of Object.entries(data.buckets)) {
      const index = Number(key);
      this.counts.set(index, (this.counts.get(index) ?? 0) + n);
    }
    this.count += data.count;
    this.maxMs = Math.max(this.maxMs, data.maxMs);
  }

  /** The latency in ms below which a fraction `p` (0..1) of the recorded values lie. */
  percentile(p: number): number {
    if (this.count === 0) return Number.NaN;
    const rank = Math.ceil(p * this.count);
    let seen = 0;
    for (const index of [...this.counts.keys()].sort((a, b) => a - b)) {
      seen += this.counts.get(index) ?? 0;
      if (seen >= rank) return Math.min(this.maxMs, Math.exp((index + 0.5) * GROWTH) / 1000);
    }
    return this.maxMs;
  }

  toData(): HistogramData {
    const buckets: Record<string, number> = {};
    for (const [index, n] of this.counts) buckets[String(index)] = n;
    return { buckets, count: this.count, maxMs: this.maxMs };
  }
}
