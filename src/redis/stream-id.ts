/** Redis stream entry IDs (`<ms>-<seq>`, two unsigned 64-bit integers) as canonical strings. */

export type StreamId = string;

export const ZERO_ID: StreamId = '0-0';

const ID_FORM = /^(\d{1,20})-(\d{1,20})$/;
const U64_MAX = 18446744073709551615n;

/** Canonical `<ms>-<seq>` for a well-formed ID within 2^64-1, else undefined. */
export function parseStreamId(text: string): StreamId | undefined {
  const match = ID_FORM.exec(text);
  if (!match) return undefined;
  const ms = BigInt(match[1] as string);
  const seq = BigInt(match[2] as string);
  if (ms > U64_MAX || seq > U64_MAX) return undefined;
  return `${ms}-${seq}`;
}

/**
 * Numeric order of two canonical IDs, without BigInt on the hot path: canonical decimals
 * compare by length first, then character by character (so `5-10` > `5-2`).
 */
export function compareIds(a: StreamId, b: StreamId): number {
  if (a === b) return 0;
  const dashA = a.indexOf('-');
  const dashB = b.indexOf('-');
  const byMs = compareDecimal(a.slice(0, dashA), b.slice(0, dashB));
  if (byMs !== 0) return byMs;
  return compareDecimal(a.slice(dashA + 1), b.slice(dashB + 1));
}

function compareDecimal(a: string, b: string): number {
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The millisecond part of an ID, as a number (exact for any real-world timestamp). */
export function idTimeMs(id: StreamId): number {
  return Number(id.slice(0, id.indexOf('-')));
}

/** The smallest ID at or after a point in time. */
export function idAtTime(ms: number): StreamId {
  return `${Math.max(0, Math.floor(ms))}-0`;
}

/** The ID just before `id`, for inclusive ranges ending before it ("0-0" stays "0-0"). */
export function previousId(id: StreamId): StreamId {
  const dash = id.indexOf('-');
  const ms = BigInt(id.slice(0, dash));
  const seq = BigInt(id.slice(dash + 1));
  if (seq > 0n) return `${ms}-${seq - 1n}`;
  if (ms > 0n) return `${ms - 1n}-${U64_MAX}`;
  return ZERO_ID;
}
