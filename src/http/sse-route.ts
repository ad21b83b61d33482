/** GET /sse and /sse/:stream: checks a request in the contract's order, then opens a client. */
import type { Context } from 'hono';
import type { Config } from '../config.ts';
import type { Admission } from '../hub/admission.ts';
import type { Broadcaster } from '../hub/broadcaster.ts';
import { Client, type CloseReason } from '../hub/client.ts';
import { type ReplayDeps, type ReplayStart, replayThenAttach } from '../hub/replay.ts';
import { createSubscription } from '../hub/subscription.ts';
import { type Principal, narrow } from '../auth/index.ts';
import { idAtTime, previousId } from '../redis/stream-id.ts';
import { type Cursor, parseCursor } from '../sse/cursor.ts';
import { encodeFrame } from '../sse/frame.ts';
import { SSE_HEADERS } from '../sse/headers.ts';
import type { SseQuery } from './query.ts';

export type SseRouteDeps = {
  config: Config;
  hub: Broadcaster;
  admission: Admission;
  replay: ReplayDeps;
  isDraining: () => boolean;
  onClose?: (client: Client, reason: CloseReason) => void;
};

const encoder = new TextEncoder();
let nextClientId = 1;

export function openStream(
  c: Context,
  query: SseQuery,
  principal: Principal | null,
  deps: SseRouteDeps,
) {
  const { config, hub, admission } = deps;
  const pathStream = c.req.param('stream');
  const requested = pathStream !== undefined ? [pathStream] : query.streams;

  // 400: the cursor, checked against what the client asked for.
  const lastEventId = c.req.header('last-event-id') ?? query.lastEventId;
  const cursorStreams =
    requested ?? config.streams.filter((s) => principal?.streams?.includes(s) ?? true);
  const cursor: Cursor | undefined =
    lastEventId === undefined ? undefined : parseCursor(lastEventId, cursorStreams);
  const start: ReplayStart | undefined = cursor
    ? { cursor, fromTime: false }
    : query.since !== undefined
      ? { cursor: sinceCursor(cursorStreams, query.since), fromTime: true }
      : undefined;

  // 403 (outside the token's claims), then 404 (streams this gateway does not serve).
  const access = narrow(principal, requested, query.symbols, config.streams);
  const { streams } = access;
  const symbols = access.symbols ?? null;

  // 429 / 503: limits.
  const limitKey = principal?.key ?? `ip:${c.env?.remoteAddress ?? 'unknown'}`;
  // Hono answers HEAD by running this GET handler and dropping the body, so a client opened
  // here would never be read or cancelled and would hold its slot for good: HEAD gets the
  // answer GET would get, without taking a slot.
  if (c.req.method === 'HEAD') {
    admission.check(limitKey, hub.clients.size);
    return c.body(null, 200, SSE_HEADERS);
  }
  admission.admit(limitKey, hub.clients.size);

  const subscription = hub.intern(
    createSubscription({
      streams,
      symbols,
      where: query.where ?? null,
      maxRate: query.maxRate ?? null,
    }),
  );
  const connected = encodeFrame({
    retry: jitter(config.retryMs),
    event: 'connected',
    data: JSON.stringify({
      status: 'ok',
      streams: subscription.streams,
      symbols: symbols ?? null,
      heartbeatMs: config.heartbeatMs,
      resumed: cursor !== undefined,
      ...(start?.fromTime ? { since: query.since } : {}),
      ...(query.snapshot && start === undefined ? { snapshot: true } : {}),
    }),
  });
  const client = new Client({
    id: nextClientId++,
    subscription,
    bufferBytes: config.clientBufferBytes,
    firstFrame: encoder.encode(connected),
    limitKey,
    expiresAtMs: principal?.expiresAtMs,
    abortConnection: c.env?.abortConnection,
    onRoom: hub.catchUpConflated,
    onClose: (closed, reason) => {
      hub.remove(closed);
      admission.release(closed.limitKey, reason);
      deps.onClose?.(closed, reason);
    },
  });
  hub.register(client);
  c.req.raw.signal.addEventListener('abort', () => client.close('client_gone'), { once: true });

  if (deps.isDraining()) {
    client.close('shutdown', encoder.encode(encodeFrame({ event: 'shutdown', data: '{}' })));
  } else if (start === undefined && query.snapshot && !hub.readiness.isDone) {
    // The snapshot cache is refilled from Redis at start-up; wait for it, not serve it empty.
    hub.readiness.done.then(() => hub.attach(client, true));
  } else if (start === undefined) {
    hub.attach(client, query.snapshot === true);
  } else {
    replayThenAttach(client, start, deps.replay).catch(() => client.close('error'));
  }
  return c.body(client.stream, 200, SSE_HEADERS);
}

/** `?since=T` starts every stream just before the first ID at T (IDs are timestamps). */
function sinceCursor(streams: readonly string[], ms: number): Cursor {
  const id = previousId(idAtTime(ms));
  return new Map(streams.map((stream) => [stream, id]));
}

/** Spreads reconnects after a deploy: up to half the delay again, per connection. */
function jitter(retryMs: number): number {
  return retryMs + Math.floor(Math.random() * (retryMs / 2));
}
