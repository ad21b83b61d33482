/** Instrument keys: which entries describe the same thing (for conflation and snapshots). */
import type { Entry } from '../redis/entry.ts';

/**
 * The key of an entry from the stream's configured payload fields (STREAM_KEYS), else its
 * symbol. A missing field counts as empty. Computed once per entry and cached on it.
 */
export function instrumentKey(entry: Entry, fields: readonly string[] | undefined): string {
  if (entry.key !== undefined) return entry.key;
  let key: string;
  if (fields === undefined) {
    key = entry.symbol ?? '';
  } else {
    const value = entry.value;
    const record =
      typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
    key = fields
      .map((field) => {
        const part = field === 'symbol' ? (entry.symbol ?? record.symbol) : record[field];
        return part === undefined || part === null ? '' : String(part);
      })
      .join('\u0000');
  }
  entry.key = key;
  return key;
}
