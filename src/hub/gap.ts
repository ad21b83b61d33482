/** Decides whether a resume point lies outside what Redis still holds. */
import { type StreamBounds, wasRecreated, wasTrimmedAfter } from '../redis/stream-info.ts';
import { type StreamId, ZERO_ID, compareIds } from '../redis/stream-id.ts';

export type GapReason = 'trimmed' | 'recreated' | 'ahead';

export type GapVerdict = {
  reason: GapReason;
  /** Replay continues after this ID (exclusive). */
  resumeAfter: StreamId;
};

/**
 * `ahead`: the cursor is past anything the stream ever generated (IDs went backwards).
 * `recreated`: the cursor's entry never existed in the stream as it is now.
 * `trimmed`: entries after the cursor were deleted or trimmed away.
 * `0-0` asks for whatever is there, so it never has a gap. A point in time (`fromTime`,
 * from `?since=`) is not an entry the client saw: only trimming can make a gap there.
 */
export function judgeResume(
  requested: StreamId,
  info: StreamBounds | undefined,
  fromTime = false,
): GapVerdict | null {
  if (requested === ZERO_ID) return null;
  if (fromTime) return trimmedAfter(requested, info);
  const lastGenerated = info?.lastGeneratedId ?? ZERO_ID;
  if (compareIds(requested, lastGenerated) > 0) return { reason: 'ahead', resumeAfter: ZERO_ID };
  if (wasRecreated(requested, info)) return { reason: 'recreated', resumeAfter: ZERO_ID };
  return trimmedAfter(requested, info);
}

function trimmedAfter(requested: StreamId, info: StreamBounds | undefined): GapVerdict | null {
  return wasTrimmedAfter(requested, info) ? { reason: 'trimmed', resumeAfter: requested } : null;
}
