/** Reads stored entries with XRANGE, for replays after a client's cursor. */
import type { RedisClient } from './connection.ts';
import { type Entry, parseEntry } from './entry.ts';
import type { StreamId } from './stream-id.ts';

type XRangeReply = Array<[Buffer, Buffer[]]>;

/** Up to `count` entries with `after < id <= upTo`, oldest first. */
export async function readRange(
  redis: RedisClient,
  key: string,
  stream: string,
  range: { after: StreamId; upTo: StreamId | '+'; count: number },
  maxEntryBytes: number,
): Promise<Entry[]> {
  const reply = (await redis.xrangeBuffer(
    key,
    `(${range.after}`,
    range.upTo,
    'COUNT',
    range.count,
  )) as XRangeReply;
  return reply.map(([id, fields]) => parseEntry(stream, id.toString(), fields, maxEntryBytes));
}

/** The newest `count` entries with `id <= upTo`, returned oldest first. */
export async function readLatest(
  redis: RedisClient,
  key: string,
  stream: string,
  range: { upTo: StreamId; count: number },
  maxEntryBytes: number,
): Promise<Entry[]> {
  const reply = (await redis.xrevrangeBuffer(
    key,
    range.upTo,
    '-',
    'COUNT',
    range.count,
  )) as XRangeReply;
  return reply
    .reverse()
    .map(([id, fields]) => parseEntry(stream, id.toString(), fields, maxEntryBytes));
}
