/** Resume: replay stored entries after a client's cursor, then hand it to live delivery. */
import type { RedisClient } from '../redis/connection.ts';
import type { Logger } from '../log.ts';
import { readRange } from '../redis/history.ts';
import { readBounds } from '../redis/stream-info.ts';
import { type StreamId, compareIds } from '../redis/stream-id.ts';
import { type Cursor, formatCursor } from '../sse/cursor.ts';
import { encodeEntryBody, encodeFrame } from '../sse/frame.ts';
import type { Broadcaster } from './broadcaster.ts';
import type { Client } from './client.ts';
import { judgeResume } from './gap.ts';
import type { Limiter } from './limiter.ts';
import { matches } from './subscription.ts';

/** Where a replay starts: a client's cursor, or a point in time (`?since=`). */
export type ReplayStart = { cursor: Cursor; fromTime: boolean };

export type ReplayDeps = {
  hub: Broadcaster;
  /** The commands connection: never the reader's, which is parked in XREAD BLOCK. */
  redis: RedisClient;
  keyOf: (stream: string) => string;
  limiter: Limiter;
  pageSize: number;
  maxEntryBytes: number;
  log: Logger;
};

const encoder = new TextEncoder();
const RETRY_DELAY_MS = 250;
const WAIT_FOR_READER_MS = 10;
const CHUNK_CHARS = 64 * 1024;

/**
 * Sends every entry after `cursor`, page by page and only as fast as the client reads, up to
 * where live delivery stands; then attaches the client in the same tick in which it was
 * seen to be caught up, so nothing falls between replay and live (case 003).
 */
export async function replayThenAttach(
  client: Client,
  start: ReplayStart,
  deps: ReplayDeps,
): Promise<void> {
  const release = await deps.limiter.acquire();
  try {
    const positions = await startPositions(client, start, deps);
    while (!client.closed) {
      let waited = false;
      for (const stream of client.subscription.streams) {
        while (!client.closed && isBehind(positions, stream, deps.hub)) {
          waited = true;
          await retrying(client, () => replayPage(client, stream, positions, deps));
        }
        while (!client.closed && isAhead(positions, stream, deps.hub)) {
          // This instance's reader has not yet seen what the client has: let it catch up.
          waited = true;
          await delay(WAIT_FOR_READER_MS);
        }
      }
      if (!waited) {
        deps.hub.attach(client);
        return;
      }
    }
  } finally {
    release();
  }
}

/** Where each stream resumes, after telling the client of any gap in its history. */
async function startPositions(
  client: Client,
  { cursor, fromTime }: ReplayStart,
  deps: ReplayDeps,
): Promise<Map<string, StreamId>> {
  const positions = new Map<string, StreamId>();
  for (const stream of client.subscription.streams) {
    const requested = cursor.get(stream);
    if (requested === undefined) {
      positions.set(stream, deps.hub.positions.get(stream) as StreamId);
      continue;
    }
    // Checked even when the cursor equals the live position: this instance's reader may
    // stand behind Redis, and what follows the cursor may be trimmed away already.
    const key = deps.keyOf(stream);
    const info = await retrying(client, () => readBounds(deps.redis, key));
    const verdict = judgeResume(requested, info, fromTime);
    positions.set(stream, verdict?.resumeAfter ?? requested);
    if (verdict === null || client.closed) continue;
    const next = await retrying(client, () =>
      readRange(deps.redis, key, stream, { after: verdict.resumeAfter, upTo: '+', count: 1 }, 1),
    );
    const gap = {
      stream,
      reason: verdict.reason,
      requested,
      resumedFrom: next[0]?.id ?? null,
      missed: null,
    };
    client.push(encoder.encode(encodeFrame({ event: 'gap', data: JSON.stringify(gap) })));
  }
  return positions;
}

async function replayPage(
  client: Client,
  stream: string,
  positions: Map<string, StreamId>,
  deps: ReplayDeps,
): Promise<void> {
  const target = deps.hub.positions.get(stream) as StreamId;
  const after = positions.get(stream) as StreamId;
  const range = { after, upTo: target, count: deps.pageSize };
  const page = await readRange(deps.redis, deps.keyOf(stream), stream, range, deps.maxEntryBytes);
  if (client.closed) return;
  const { subscription } = client;
  let frames = '';
  for (const entry of page) {
    positions.set(stream, entry.id);
    if (!matches(subscription, entry)) continue;
    const id =
      subscription.streams.length === 1 ? entry.id : formatCursor(subscription.streams, positions);
    const body = encodeEntryBody(deps.hub.eventNameOf(stream), entry.payload as string);
    frames += `id: ${id}\n${body}`;
    if (frames.length >= CHUNK_CHARS) {
      // Large entries: hand over in chunks, at the client's pace, so memory stays bounded.
      client.push(encoder.encode(frames));
      frames = '';
      await client.waitForRoom();
      if (client.closed) return;
    }
  }
  // A short page means nothing else is stored up to the target (the rest was deleted).
  if (page.length < deps.pageSize) positions.set(stream, target);
  if (frames !== '') client.push(encoder.encode(frames));
  await client.waitForRoom();
}

function isBehind(positions: Map<string, StreamId>, stream: string, hub: Broadcaster): boolean {
  return compareIds(positions.get(stream) as StreamId, hub.positions.get(stream) as StreamId) < 0;
}

function isAhead(positions: Map<string, StreamId>, stream: string, hub: Broadcaster): boolean {
  return compareIds(positions.get(stream) as StreamId, hub.positions.get(stream) as StreamId) > 0;
}

/** Runs a Redis step until it succeeds or the client leaves; Redis outages are waited out. */
async function retrying<T>(client: Client, step: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      return await step();
    } catch (error) {
      if (client.closed) throw new Error('client left during replay', { cause: error });
      await delay(RETRY_DELAY_MS);
    }
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
