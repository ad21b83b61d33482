// Checks one sampled connection's events by `seq`: what was missed, duplicated or reordered.
export type SeqSummary = { received: number; missed: number; dups: number; reordered: number };

export class SeqTracker {
  private base = 0;
  private seen = new Uint8Array(1024);
  private last = -1;
  private received = 0;
  private dups = 0;
  private reordered = 0;

  /** Starts a window: events with a seq below `base` belong to an earlier window. */
  reset(base: number): void {
    this.base = base;
    this.seen.fill(0);
    this.last = base - 1;
    this.received = 0;
    this.dups = 0;
    this.reordered = 0;
  }

  /** Returns false for events outside the window (earlier seq, or no seq at all). */
  record(seq: number): boolean {
    if (!Number.isInteger(seq) || seq < this.base) return false;
    const slot = seq - this.base;
    if (slot >= this.seen.length) this.grow(slot);
    this.received += 1;
    if (this.seen[slot] !== 0) this.dups += 1;
    else if (seq < this.last) this.reordered += 1;
    this.seen[slot] = 1;
    if (seq > this.last) this.last = seq;
    return true;
  }

  /** Tally for the window [base, end): every seq in it should have arrived once. */
  summary(end: number): SeqSummary {
    let missed = 0;
    for (let seq = this.base; seq < end; seq += 1) {
      if (this.seen[seq - this.base] !== 1) missed += 1;
    }
    return { received: this.received, missed, dups: this.dups, reordered: this.reordered };
  }

  private grow(slot: number): void {
    let size = this.seen.length;
    while (size <= slot) size *= 2;
    const bigger = new Uint8Array(size);
    bigger.set(this.seen);
    this.seen = bigger;
  }
}
