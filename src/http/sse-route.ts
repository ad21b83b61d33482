/** GET /sse and /sse/:stream: checks a request in the contract's order, then opens a client. */
import type { Context } from 'hono';
import type { Config } from '../config.ts';
import { GatewayError } from '../errors.ts';
import type { Admission } from '../hub/admission.ts';
import type { Broadcaster } from '../hub/broadcaster.ts';
import { Client, type CloseReason } from '../hub/client.ts';
import { type ReplayDeps, replayThenAttach } from '../hub/replay.ts';
import { createSubscription } from '../hub/subscription.ts';
import { upperAscii } from '../redis/entry.ts';
import { type Cursor, parseCursor } from '../sse/cursor.ts';
import { encodeFrame } from '../sse/frame.ts';
import { SSE_HEADERS } from '../sse/headers.ts';
import type { SseQuery } from './query.ts';

/** What a request's credentials allow; empty when auth is off. */
export type Access = {
  key?: string;
  streams?: readonly string[];
  symbols?: readonly string[];
  expiresAtMs?: number;
};

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

export function openStream(c: Context, query: SseQuery, access: Access, deps: SseRouteDeps) {
  const { config, hub, admission } = deps;
  const pathStream = c.req.param('stream');
  const requested = pathStream !== undefined ? [pathStream] : query.streams;

  // 400: the cursor, checked against what the client asked for.
  const lastEventId = c.req.header('last-event-id') ?? query.lastEventId;
  const allowedStreams = config.streams.filter((s) => access.streams?.includes(s) ?? true);
  const streams = requested ?? allowedStreams;
  const cursor: Cursor | undefined =
    lastEventId === undefined ? undefined : parseCursor(lastEventId, streams);

  // 403: outside the token's claims.
  if (requested !== undefined && access.streams !== undefined) {
    if (requested.some((s) => !access.streams?.includes(s))) {
      throw new GatewayError('forbidden', 'the token does not allow one of the requested streams');
    }
  }
  const symbols = narrowSymbols(query.symbols, access.symbols);

  // 404: streams this gateway does not serve.
  const unknown = streams.find((s) => !config.streams.includes(s));
  if (unknown !== undefined || streams.length === 0) {
    throw new GatewayError(
      'unknown_stream',
      `unknown stream; this gateway serves: ${config.streams.join(', ')}`,
    );
  }

  // 429 / 503: limits.
  const limitKey = access.key ?? `ip:${c.env?.remoteAddress ?? 'unknown'}`;
  admission.admit(limitKey, hub.clients.size);

  const subscription = createSubscription(streams, symbols);
  const connected = encodeFrame({
    retry: jitter(config.retryMs),
    event: 'connected',
    data: JSON.stringify({
      status: 'ok',
      streams: subscription.streams,
      symbols: symbols ?? null,
      heartbeatMs: config.heartbeatMs,
      resumed: cursor !== undefined,
    }),
  });
  const client = new Client({
    id: nextClientId++,
    subscription,
    bufferBytes: config.clientBufferBytes,
    firstFrame: encoder.encode(connected),
    limitKey,
    expiresAtMs: access.expiresAtMs,
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
  } else if (cursor === undefined) {
    hub.attach(client);
  } else {
    replayThenAttach(client, cursor, deps.replay).catch(() => client.close('error'));
  }
  return c.body(client.stream, 200, SSE_HEADERS);
}

/** Symbols to filter by (upper-cased), narrowed by the token's `symbols` claim. */
function narrowSymbols(
  asked: readonly string[] | undefined,
  allowed: readonly string[] | undefined,
): string[] | null {
  const wanted = asked?.map(upperAscii);
  if (allowed === undefined) return wanted ?? null;
  const permitted = allowed.map(upperAscii);
  if (wanted === undefined) return permitted;
  if (wanted.some((symbol) => !permitted.includes(symbol))) {
    throw new GatewayError('forbidden', 'the token does not allow one of the requested symbols');
  }
  return wanted;
}

/** Spreads reconnects after a deploy: up to half the delay again, per connection. */
function jitter(retryMs: number): number {
  return retryMs + Math.floor(Math.random() * (retryMs / 2));
}
