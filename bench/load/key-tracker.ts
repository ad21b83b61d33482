// Tallies one sampled connection's updates per instrument, to check `maxRate` (scenario e).
import type { KeyStats } from './protocol.ts';

export type KeyTally = { keys: number; perSecSum: number; maxIn1s: number; matches: number };

export class KeyTracker {
  /** Arrival times (ms) and newest seq per instrument, since the last reset. */
  private arrivals = new Map<number, number[]>();
  private newest = new Map<number, number>();

  constructor(private readonly instruments: number) {}

  reset(): void {
    this.arrivals.clear();
    this.newest.clear();
  }

  /** Called for events of the current window only (the SeqTracker already said so). */
  record(seq: number, arrivedAt: number): void {
    const key = seq % this.instruments;
    const times = this.arrivals.get(key) ?? [];
    times.push(arrivedAt);
    this.arrivals.set(key, times);
    this.newest.set(key, Math.max(seq, this.newest.get(key) ?? -1));
  }

  /** The window's entries were [seqFrom, seqTo), published over `windowMs`. */
  tally(seqFrom: number, seqTo: number, windowMs: number): KeyTally {
    const tally: KeyTally = { keys: 0, perSecSum: 0, maxIn1s: 0, matches: 0 };
    for (const [key, times] of this.arrivals) {
      tally.keys += 1;
      tally.perSecSum += times.length / (windowMs / 1000);
      tally.maxIn1s = Math.max(tally.maxIn1s, mostWithin(times, 1000));
      // The newest entry of instrument `key` published in the window.
      const last = seqTo - 1 - ((seqTo - 1 - key) % this.instruments);
      if (last >= seqFrom && this.newest.get(key) === last) tally.matches += 1;
    }
    return tally;
  }
}

/** The most arrivals in any span of `spanMs` (times ascending). */
function mostWithin(times: number[], spanMs: number): number {
  let most = 0;
  let start = 0;
  for (let end = 0; end < times.length; end += 1) {
    while ((times[end] ?? 0) - (times[start] ?? 0) >= spanMs) start += 1;
    most = Math.max(most, end - start + 1);
  }
  return most;
}

/** Merges tallies of many connections into the figures a report shows. */
export function keyStats(tallies: KeyTally[], checked: number): KeyStats {
  const keysSeen = tallies.reduce((s, t) => s + t.keys, 0);
  return {
    keysSeen,
    meanPerSec: keysSeen > 0 ? tallies.reduce((s, t) => s + t.perSecSum, 0) / keysSeen : 0,
    maxIn1s: Math.max(0, ...tallies.map((t) => t.maxIn1s)),
    lastMatches: tallies.reduce((s, t) => s + t.matches, 0),
    lastChecked: checked,
  };
}
