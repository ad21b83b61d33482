/** Last-Event-ID cursors: a Redis ID for one stream, `name=ID;...` pairs for several. */
import { GatewayError } from '../errors.ts';
import { type StreamId, ZERO_ID, compareIds, idTimeMs, parseStreamId } from '../redis/stream-id.ts';

/** Position per stream name. */
export type Cursor = ReadonlyMap<string, StreamId>;

const MAX_CURSOR_LENGTH = 4096;
const FUTURE_TOLERANCE_MS = 60_000;

/** The `id:` of a frame: the bare ID for one stream, sorted `name=ID` pairs for several. */
export function formatCursor(streams: readonly string[], positions: Cursor): string {
  if (streams.length === 1) return positions.get(streams[0] as string) ?? ZERO_ID;
  const sorted = [...streams].sort();
  return sorted.map((name) => `${name}=${positions.get(name) ?? ZERO_ID}`).join(';');
}

/**
 * Parses a client's Last-Event-ID for a subscription to `streams`. A bare ID (or `0`)
 * applies to every subscribed stream; pairs must name subscribed streams only. Streams the
 * cursor does not name are absent from the result (they start live).
 */
export function parseCursor(
  text: string,
  streams: readonly string[],
  nowMs: number = Date.now(),
): Cursor {
  const value = text.trim();
  if (value.length === 0 || value.length > MAX_CURSOR_LENGTH) throw invalid('has a bad length');
  if (!value.includes('=')) {
    const id = parseId(value, nowMs);
    return new Map(streams.map((name) => [name, id]));
  }
  const cursor = new Map<string, StreamId>();
  for (const pair of value.split(';')) {
    const at = pair.indexOf('=');
    const name = pair.slice(0, at).trim();
    if (at <= 0 || !streams.includes(name)) {
      throw invalid('names a stream that is not part of this subscription');
    }
    if (cursor.has(name)) throw invalid('names a stream twice');
    cursor.set(name, parseId(pair.slice(at + 1).trim(), nowMs));
  }
  return cursor;
}

function parseId(text: string, nowMs: number): StreamId {
  if (text === '0') return ZERO_ID;
  const id = parseStreamId(text);
  if (id === undefined) throw invalid('is not <ms>-<seq> with unsigned 64-bit parts');
  if (compareIds(id, `${nowMs + FUTURE_TOLERANCE_MS}-0`) > 0 && idTimeMs(id) > nowMs) {
    throw invalid('lies more than a minute in the future');
  }
  return id;
}

function invalid(problem: string): GatewayError {
  return new GatewayError(
    'invalid_last_event_id',
    `Last-Event-ID ${problem}; send the id of the last event received, or 0 for the oldest`,
  );
}
