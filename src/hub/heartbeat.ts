/** One timer for every client: a comment frame to each client that was sent nothing lately. */
import { encodeComment, encodeFrame } from '../sse/frame.ts';
import type { Client } from './client.ts';

const encoder = new TextEncoder();
const HEARTBEAT = encoder.encode(encodeComment('heartbeat'));
const EXPIRED = encoder.encode(
  encodeFrame({ event: 'expired', data: JSON.stringify({ reason: 'token_expired' }) }),
);

/**
 * Checks all clients a few times per interval, so each one hears something within
 * `intervalMs` (plus one tick) of its last write, and ends those whose token expired.
 * One sweep for all clients instead of a timer each. Returns the function that stops it.
 */
export function startHeartbeat(clients: Iterable<Client>, intervalMs: number): () => void {
  const tickMs = Math.max(25, Math.min(1000, Math.floor(intervalMs / 4)));
  const timer = setInterval(() => {
    const now = Date.now();
    for (const client of clients) {
      if (client.expiresAtMs !== undefined && now >= client.expiresAtMs) {
        client.close('expired', EXPIRED);
      } else if (now - client.lastWriteAt >= intervalMs) {
        client.offer(HEARTBEAT); // a full queue has data on its way: no heartbeat needed
      }
    }
  }, tickMs);
  // The heartbeat alone must not keep a process alive that is otherwise done.
  (timer as { unref?: () => void }).unref?.();
  return () => clearInterval(timer);
}
