/** A typed browser SSE client on fetch: headers, Retry-After, fatal answers and clean close. */
import { GatewayError } from '../errors.ts';
import { buildUrl, heartbeatOf, requestHeaders } from './request.ts';
import { backoffMs, classifyResponse, fatalError } from './retry-policy.ts';
import { createSseParser, type SseEvent } from './sse-parser.ts';

export type SseClientState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export type SseClientOptions = {
  /** The gateway's SSE endpoint, e.g. `https://gw.example/sse`; relative URLs use the page's. */
  url: string | URL;
  /** Stream names, sent as `?streams=`; omitted means every stream the client may read. */
  streams?: readonly string[];
  /** Symbols, sent as `?symbols=`; omitted means all symbols. */
  symbols?: readonly string[];
  /** Bearer token, or a function asked again before every attempt (to refresh it). */
  token?: string | (() => string | Promise<string>);
  /** Resume from this cursor on the first connection. */
  lastEventId?: string;
  /** Every event, entries and control events (`connected`, `gap`, `expired`, `shutdown`). */
  onEvent?: (event: SseEvent) => void;
  onStateChange?: (state: SseClientState, detail: { delayMs?: number }) => void;
  /** The reason the client closed for good (a 4xx answer); it will not reconnect. */
  onError?: (error: GatewayError) => void;
  /** Reconnect delay until the server sends `retry:`. Default 2000 ms. */
  retryMs?: number;
  /** Ceiling of the growing delay after consecutive failures. Default 30000 ms. */
  maxRetryMs?: number;
  /** Reconnect when no byte arrives for this long; default 45000 ms, or 3 × the heartbeat. */
  idleTimeoutMs?: number;
  credentials?: RequestCredentials;
  fetch?: (input: string, init: RequestInit) => Promise<Response>;
};

export type SseClient = {
  readonly state: SseClientState;
  /** The cursor that the next connection sends as `Last-Event-ID`. */
  readonly lastEventId: string;
  /** Set when the client closed because the gateway refused the request. */
  readonly error: GatewayError | undefined;
  /** Milliseconds since the last event; undefined before the first one. */
  lastEventAgeMs(): number | undefined;
  /** Ends the connection and every timer; no callback runs afterwards. */
  close(): void;
};

export function createSseClient(options: SseClientOptions): SseClient {
  const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  const url = buildUrl(options); // throws here, not in a retry loop, when the URL is invalid
  const maxRetryMs = options.maxRetryMs ?? 30_000;
  let retryMs = options.retryMs ?? 2000;
  let idleTimeoutMs = options.idleTimeoutMs ?? 45_000;
  let state: SseClientState = 'connecting';
  let error: GatewayError | undefined;
  let failures = 0;
  let lastEventAt: number | undefined;
  let controller: AbortController | undefined;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let idleTimer: ReturnType<typeof setTimeout> | undefined;

  const parser = createSseParser(
    {
      onRetry: (ms) => (retryMs = ms),
      onEvent: (event) => {
        if (state === 'closed') return;
        lastEventAt = Date.now();
        if (event.type === 'connected' && options.idleTimeoutMs === undefined) {
          const heartbeatMs = heartbeatOf(event.data);
          if (heartbeatMs) idleTimeoutMs = Math.max(1000, heartbeatMs * 3);
        }
        options.onEvent?.(event);
      },
    },
    options.lastEventId ?? '',
  );

  const setState = (next: SseClientState, detail: { delayMs?: number } = {}): void => {
    if (state === 'closed' || (next === state && next !== 'reconnecting')) return;
    state = next;
    options.onStateChange?.(next, detail);
  };

  const finish = (reason?: GatewayError): void => {
    if (state === 'closed') return;
    error = reason;
    setState('closed');
    clearTimeout(retryTimer);
    clearTimeout(idleTimer);
    controller?.abort();
    if (reason) options.onError?.(reason);
  };

  const scheduleRetry = (serverDelayMs?: number): void => {
    if (state === 'closed') return;
    failures += 1;
    const delayMs = serverDelayMs ?? backoffMs(retryMs, failures, maxRetryMs, Math.random());
    setState('reconnecting', { delayMs });
    retryTimer = setTimeout(() => void connect(), delayMs);
  };

  async function connect(): Promise<void> {
    const attempt = new AbortController();
    controller = attempt;
    parser.reset();
    let response: Response;
    try {
      response = await fetchImpl(url, {
        headers: await requestHeaders(options, parser.lastEventId),
        signal: attempt.signal,
        cache: 'no-store',
        credentials: options.credentials ?? 'same-origin',
      });
    } catch {
      return scheduleRetry(); // refused connection, DNS, CORS or a token function that threw
    }
    if (attempt.signal.aborted) return void response.body?.cancel();
    const h = response.headers;
    const verdict = classifyResponse(
      response.status,
      h.get('content-type'),
      h.get('retry-after'),
      Date.now(),
    );
    if (verdict.kind === 'fatal') {
      // Only a JSON body can be the gateway's error; anything else might never end.
      const json = h.get('content-type')?.includes('json') ?? false;
      if (!json) void response.body?.cancel();
      const body: unknown = json ? await response.json().catch(() => null) : null;
      return finish(fatalError(verdict.status, body));
    }
    if (verdict.kind !== 'open' || !response.body) {
      void response.body?.cancel();
      if (verdict.kind === 'done') return finish();
      return scheduleRetry(verdict.kind === 'retry' ? verdict.retryAfterMs : undefined);
    }
    failures = 0;
    setState('open');
    await read(response.body, attempt);
    scheduleRetry(); // the stream ended or went idle; does nothing after close()
  }

  async function read(body: ReadableStream<Uint8Array>, attempt: AbortController): Promise<void> {
    const reader = body.getReader();
    const decoder = new TextDecoder();
    const arm = (): void => {
      clearTimeout(idleTimer);
      idleTimer = setTimeout(() => attempt.abort(), idleTimeoutMs);
    };
    try {
      arm();
      for (;;) {
        const { done, value } = await reader.read();
        if (done || state === 'closed') break;
        parser.feed(decoder.decode(value, { stream: true }));
        arm(); // after feeding, so a `connected` event's heartbeat already counts
      }
    } catch {
      // A dropped connection or the idle watchdog's abort: the caller reconnects.
    } finally {
      clearTimeout(idleTimer);
      reader.releaseLock();
      void body.cancel().catch(() => {});
    }
  }

  void connect();
  return {
    get state() {
      return state;
    },
    get lastEventId() {
      return parser.lastEventId;
    },
    get error() {
      return error;
    },
    lastEventAgeMs: () => (lastEventAt === undefined ? undefined : Date.now() - lastEventAt),
    close: () => finish(),
  };
}
