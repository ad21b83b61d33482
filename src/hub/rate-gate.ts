/** `?maxRate=N`: at most N updates per second per instrument, always ending on the latest. */
import type { Entry } from '../redis/entry.ts';

export class RateGate {
  private readonly lastSent = new Map<string, number>();
  private readonly held = new Map<string, Entry>();
  readonly intervalMs: number;

  constructor(
    ratePerSecond: number,
    private readonly keyOf: (entry: Entry) => string,
  ) {
    this.intervalMs = 1000 / ratePerSecond;
  }

  get holding(): boolean {
    return this.held.size > 0;
  }

  /** True when the entry may go now; otherwise it replaces any held entry of its key. */
  offer(entry: Entry, now: number): boolean {
    const key = this.keyOf(entry);
    const last = this.lastSent.get(key);
    if (!this.held.has(key) && (last === undefined || now - last >= this.intervalMs)) {
      this.lastSent.set(key, now);
      return true;
    }
    this.held.set(key, entry);
    return false;
  }

  /** Held entries whose interval has passed, oldest first; they count as sent now. */
  release(now: number): Entry[] {
    const due: Entry[] = [];
    for (const [key, entry] of this.held) {
      if (now - (this.lastSent.get(key) ?? 0) < this.intervalMs) continue;
      this.held.delete(key);
      this.lastSent.set(key, now);
      due.push(entry);
    }
    if (this.lastSent.size > 4 * (this.held.size + 1024)) this.forgetIdle(now);
    return due;
  }

  /** Keys quiet for more than an interval need no memory: their next entry goes at once. */
  private forgetIdle(now: number): void {
    for (const [key, last] of this.lastSent) {
      if (!this.held.has(key) && now - last >= this.intervalMs) this.lastSent.delete(key);
    }
  }
}
