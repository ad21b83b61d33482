/** Turns one raw stream entry into a validated Entry: parsed once, whatever the client count. */
import type { StreamId } from './stream-id.ts';

/** Why an entry was not forwarded; each kind is counted and logged once. */
export type SkipReason = 'missing_json' | 'invalid_json' | 'too_large' | 'invalid_utf8';

export type Entry = {
  stream: string;
  id: StreamId;
  /** The `json` field exactly as stored, or undefined when the entry is skipped. */
  payload: string | undefined;
  skipReason: SkipReason | undefined;
  /** Upper-cased symbol for matching: the `symbol` field, else the payload's `symbol`. */
  symbol: string | undefined;
  /** The payload parsed once, for field filters and instrument keys. */
  value: unknown;
  /** Instrument key, computed on first use (see hub/instrument.ts). */
  key?: string;
};

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Builds an Entry from an XREAD/XRANGE reply's field list (`[name, value, name, value...]`,
 * as Buffers so that invalid UTF-8 is detected rather than silently replaced). A valid
 * payload is kept byte for byte; only its validity and its symbol are looked at.
 */
export function parseEntry(
  stream: string,
  id: StreamId,
  fields: readonly Buffer[],
  maxEntryBytes: number,
): Entry {
  let json: Buffer | undefined;
  let symbolField: Buffer | undefined;
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const name = (fields[i] as Buffer).toString('latin1');
    if (name === 'json') json = fields[i + 1];
    else if (name === 'symbol') symbolField = fields[i + 1];
  }
  if (json === undefined) return skipped(stream, id, 'missing_json');
  if (json.length > maxEntryBytes) return skipped(stream, id, 'too_large');
  let payload: string;
  let value: unknown;
  try {
    payload = utf8.decode(json);
  } catch {
    return skipped(stream, id, 'invalid_utf8');
  }
  try {
    value = JSON.parse(payload);
  } catch {
    return skipped(stream, id, 'invalid_json');
  }
  const symbol = symbolOf(symbolField, value);
  return { stream, id, payload, skipReason: undefined, symbol, value };
}

function symbolOf(field: Buffer | undefined, value: unknown): string | undefined {
  if (field !== undefined) return upperAscii(field.toString('utf8'));
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const symbol = (value as Record<string, unknown>).symbol;
    if (typeof symbol === 'string') return upperAscii(symbol);
  }
  return undefined;
}

/** ASCII-only upper case, as the contract matches symbols ASCII case-insensitively. */
export function upperAscii(text: string): string {
  return text.replace(/[a-z]+/g, (run) => run.toUpperCase());
}

function skipped(stream: string, id: StreamId, reason: SkipReason): Entry {
  return {
    stream,
    id,
    payload: undefined,
    skipReason: reason,
    symbol: undefined,
    value: undefined,
  };
}
