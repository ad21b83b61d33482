/** XINFO STREAM, reduced to the bounds that decide whether a resume has a gap. */
import type { Redis } from 'ioredis';
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
export async function readBounds(redis: Redis, key: string): Promise<StreamBounds | undefined> {
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

/**
 * Whether the entry at `position` cannot belong to the stream as it is now: the stream is
 * gone, its IDs are below ours, or it never deleted anything yet starts after our position
 * (so the entry we stand on never existed in it).
 */
export function wasRecreated(position: StreamId, info: StreamBounds | undefined): boolean {
  if (position === ZERO_ID) return false;
  if (info === undefined) return true;
  if (compareIds(info.lastGeneratedId, position) < 0) return true;
  return (
    info.maxDeletedId === ZERO_ID &&
    info.firstEntryId !== undefined &&
    compareIds(info.firstEntryId, position) > 0
  );
}
