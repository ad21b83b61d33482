/** Entry frames for one subscription outside the batch path (snapshots, catch-ups, releases). */
import type { Entry } from '../redis/entry.ts';
import type { StreamId } from '../redis/stream-id.ts';
import { formatCursor } from '../sse/cursor.ts';
import { encodeEntryBody } from '../sse/frame.ts';
import type { Subscription } from './subscription.ts';

/**
 * Frames with each entry's cursor: its ID on one stream; on several, `positions` with the
 * entry's own stream set to its ID.
 */
export function encodeEntries(
  subscription: Subscription,
  entries: readonly Entry[],
  positions: ReadonlyMap<string, StreamId>,
  eventNameOf: (stream: string) => string,
): string {
  const multi = subscription.streams.length > 1;
  const cursor = multi ? new Map(positions) : undefined;
  let frames = '';
  for (const entry of entries) {
    cursor?.set(entry.stream, entry.id);
    const id = cursor ? formatCursor(subscription.streams, cursor) : entry.id;
    frames += `id: ${id}\n${encodeEntryBody(eventNameOf(entry.stream), entry.payload as string)}`;
  }
  return frames;
}
