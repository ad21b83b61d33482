/** XINFO STREAM, reduced to the bounds that decide whether a resume has a gap. */
import type { RedisClient } from './connection.ts';
import { type StreamId, ZERO_ID, compareIds } from './stream-id.ts';

export type StreamBounds = {
  length: number;
  lastGeneratedId: StreamId;
  /** Highest ID ever deleted (by XDEL or trimming); "0-0" when none (Redis >= 7). */
  maxDeletedId: StreamId;
  entriesAdded: number;
  firstEntryId: StreamId | undefined;
  lastEntryId: StreamId | undefined;
};

/** The stream's bounds, or undefined when the key does not exist. */
export async function readBounds(
  redis: RedisClient,
  key: string,
): Promise<StreamBounds | undefined> {
  let reply: unknown[];
  try {
    reply = (await redis.call('XINFO', 'STREAM', key)) as unknown[];
  } catch (error) {
    if (error instanceof Error && /no such key/i.test(error.message)) return undefined;
    throw error;
  }
  const info = new Map<string, unknown>();
  for (let i = 0; i + 1 < reply.length; i += 2) info.set(String(reply[i]), reply[i + 1]);
  return {
    length: Number(info.get('length') ?? 0),
    lastGeneratedId: String(info.get('last-generated-id') ?? ZERO_ID),
    maxDeletedId: String(info.get('max-deleted-entry-id') ?? ZERO_ID),
    entriesAdded: Number(info.get('entries-added') ?? info.get('length') ?? 0),
    firstEntryId: entryId(info.get('first-entry')),
    lastEntryId: entryId(info.get('last-entry')),
  };
}

function entryId(entry: unknown): StreamId | undefined {
  return Array.isArray(entry) && typeof entry[0] === 'string' ? entry[0] : undefined;
}

/** Whether anything was ever removed from the stream, by XDEL or by trimming. */
export function hasDeletions(info: StreamBounds): boolean {
  return info.entriesAdded > info.length || info.maxDeletedId !== ZERO_ID;
}

/**
 * Whether the entry at `position` cannot belong to the stream as it is now: the stream is
 * gone, its IDs are below ours, or it never lost an entry yet starts after our position
 * (so the entry we stand on never existed in it).
 */
export function wasRecreated(position: StreamId, info: StreamBounds | undefined): boolean {
  if (position === ZERO_ID) return false;
  if (info === undefined) return true;
  if (compareIds(info.lastGeneratedId, position) < 0) return true;
  return (
    !hasDeletions(info) &&
    info.firstEntryId !== undefined &&
    compareIds(info.firstEntryId, position) > 0
  );
}

/**
 * Whether entries after `position` may have been removed. XDEL records the highest deleted
 * ID (Redis 7); trimming does not, so a stream that lost entries and now starts after
 * `position` (or holds nothing newer) counts too. The entry right after `position` may be
 * the first survivor, which cannot be told apart: such a resume gets a gap it did not need.
 */
export function wasTrimmedAfter(position: StreamId, info: StreamBounds | undefined): boolean {
  if (info === undefined || !hasDeletions(info)) return false;
  if (compareIds(info.maxDeletedId, position) > 0) return true;
  const oldest = info.firstEntryId ?? info.lastGeneratedId;
  return compareIds(oldest, position) > 0;
}
