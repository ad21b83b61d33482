// The bench's entry payloads: an option-chain row with `seq` and `ts`, padded to a given size.
const ROW = '"expiry":"2026-12-18","strike":6000,"right":"C","bid":12.3,"ask":12.5,"iv":0.1834';
const QUOTE = '"bid":12.3,"ask":12.5,"iv":0.1834';

/** The two expiries of scenario (e)'s instruments; its `where=expiry:` clients take the first. */
export const EXPIRIES = ['2026-12-18', '2027-01-15'] as const;

/** `ts` is wall-clock ms with µs precision, so two processes on one machine can compare them. */
export function nowMs(): number {
  return Math.round((performance.timeOrigin + performance.now()) * 1000) / 1000;
}

/**
 * The row of entry `seq` when the publisher rotates over `instruments` (scenario e): symbol,
 * expiry, right and strike are the bits of `seq % instruments`, so a reader can tell an
 * entry's instrument, and the newest seq of each, from its seq alone.
 */
function rotatingRow(seq: number, ts: number, instruments: number): string {
  const i = seq % instruments;
  const symbol = i % 2 === 0 ? 'SPX' : 'QQQ';
  const expiry = EXPIRIES[(i >> 1) % 2] ?? EXPIRIES[0];
  const right = (i >> 2) % 2 === 0 ? 'C' : 'P';
  const strike = 6000 + 5 * (i >> 3);
  const key = `"expiry":"${expiry}","strike":${strike},"right":"${right}"`;
  return `{"symbol":"${symbol}","seq":${seq},"ts":${ts},${key},${QUOTE}}`;
}

/** JSON of about `bytes` bytes (never less than the bare row); `seq` and `ts` come first. */
export function payload(seq: number, ts: number, bytes: number, instruments = 1): string {
  const bare =
    instruments > 1
      ? rotatingRow(seq, ts, instruments)
      : `{"symbol":"SPX","seq":${seq},"ts":${ts},${ROW}}`;
  const padding = bytes - bare.length - ',"pad":""'.length;
  if (padding <= 0) return bare;
  return `${bare.slice(0, -1)},"pad":"${'x'.repeat(padding)}"}`;
}
