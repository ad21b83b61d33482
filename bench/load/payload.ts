// The bench's entry payloads: an option-chain row with `seq` and `ts`, padded to a given size.
const ROW = '"expiry":"2026-12-18","strike":6000,"right":"C","bid":12.3,"ask":12.5,"iv":0.1834';

/** `ts` is wall-clock ms with µs precision, so two processes on one machine can compare them. */
export function nowMs(): number {
  return Math.round((performance.timeOrigin + performance.now()) * 1000) / 1000;
}

/** JSON of about `bytes` bytes (never less than the bare row); `seq` and `ts` come first. */
export function payload(seq: number, ts: number, bytes: number): string {
  const bare = `{"symbol":"SPX","seq":${seq},"ts":${ts},${ROW}}`;
  const padding = bytes - bare.length - ',"pad":""'.length;
  if (padding <= 0) return bare;
  return `${bare.slice(0, -1)},"pad":"${'x'.repeat(padding)}"}`;
}
