// Scenario (e)'s instrument rotation and its per-instrument tally of maxRate clients.
import { describe, expect, test } from 'bun:test';
import { KeyTracker } from '../load/key-tracker.ts';
import { EXPIRIES, payload } from '../load/payload.ts';

describe('payload', () => {
  test('rotating over 16 instruments gives 16 distinct instrument keys, seq and ts first', () => {
    const keys = new Set<string>();
    for (let seq = 0; seq < 32; seq += 1) {
      const row = JSON.parse(payload(seq, 1.5, 0, 16)) as Record<string, unknown>;
      expect(Object.keys(row).slice(0, 3)).toEqual(['symbol', 'seq', 'ts']);
      keys.add(`${row.symbol}|${row.expiry}|${row.strike}|${row.right}`);
    }
    expect(keys.size).toBe(16);
  });

  test('half of the rotating entries carry the first expiry', () => {
    const rows = Array.from({ length: 16 }, (_, seq) => payload(seq, 0, 0, 16));
    expect(rows.filter((row) => row.includes(EXPIRIES[0])).length).toBe(8);
  });
});

describe('KeyTracker', () => {
  test('counts the most updates of one instrument within any second', () => {
    const tracker = new KeyTracker(4);
    // Instrument 1 at 0, 250, 500, 750 and 1,100 ms: at most 4 within 1,000 ms.
    [0, 250, 500, 750, 1100].forEach((at, i) => tracker.record(1 + 4 * i, at));
    expect(tracker.tally(0, 20, 2000).maxIn1s).toBe(4);
    tracker.record(21, 1200);
    expect(tracker.tally(0, 24, 2000).maxIn1s).toBe(5);
  });

  test('says whether an instrument ended on the newest entry published for it', () => {
    const tracker = new KeyTracker(4);
    tracker.record(2, 0);
    tracker.record(6, 300);
    // Entries 0..7 were published: instrument 2's newest is 6, instrument 3's is 7.
    expect(tracker.tally(0, 8, 1000).matches).toBe(1);
    tracker.record(3, 400);
    expect(tracker.tally(0, 8, 1000).matches).toBe(1);
    tracker.record(7, 500);
    expect(tracker.tally(0, 8, 1000).matches).toBe(2);
  });
});
