/** A test SSE client: real HTTP via fetch, bytes parsed by eventsource-parser (spec-conformant). */
import { createParser } from 'eventsource-parser';

export type SseEvent = { type: string; data: string; id: string | undefined };

export type SseConnection = {
  status: number;
  headers: Headers;
  /** Body text of a non-stream answer (errors). */
  body: string;
  events: SseEvent[];
  /** Entry events only (control events and comments left out). */
  entries: () => SseEvent[];
  comments: string[];
  retries: number[];
  /** The raw bytes received, decoded as UTF-8. */
  raw: () => string;
  /** Resolves when at least `count` events matching `filter` arrived. */
  waitForEvents: (
    count: number,
    timeoutMs?: number,
    filter?: (e: SseEvent) => boolean,
  ) => Promise<SseEvent[]>;
  waitForComments: (count: number, timeoutMs?: number) => Promise<void>;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close: () => void;
};

const CONTROL = new Set(['connected', 'gap', 'expired', 'shutdown']);

export async function openSse(
  url: string,
  headers: Record<string, string> = {},
): Promise<SseConnection> {
  const abort = new AbortController();
  const response = await fetch(url, {
    headers: { Accept: 'text/event-stream', ...headers },
    signal: abort.signal,
  });
  const events: SseEvent[] = [];
  const comments: string[] = [];
  const retries: number[] = [];
  let raw = '';
  let notify = () => {};
  const parser = createParser({
    onEvent: (event) =>
      events.push({ type: event.event ?? 'message', data: event.data, id: event.id }),
    onComment: (comment) => comments.push(comment),
    onRetry: (retry) => retries.push(retry),
  });
  const isStream =
    response.ok && response.headers.get('content-type')?.startsWith('text/event-stream');
  const body = isStream ? '' : await response.text();
  const ended = (async () => {
    if (!isStream || response.body === null) return;
    const decoder = new TextDecoder();
    const reader = response.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        const text = decoder.decode(value, { stream: true });
        raw += text;
        parser.feed(text);
        notify();
      }
    } catch {
      // aborted by close() or by the server: the stream is over either way
    }
    notify();
  })();
  let finished = false;
  ended.then(() => (finished = true));

  const waitFor = (check: () => boolean, timeoutMs: number, what: string) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        notify = () => {};
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const previous = notify;
      notify = () => {
        previous();
        if (check() || finished) {
          clearTimeout(timer);
          if (check()) resolve();
          else reject(new Error(`stream ended while waiting for ${what}`));
        }
      };
      notify();
    });

  return {
    status: response.status,
    headers: response.headers,
    body,
    events,
    entries: () => events.filter((e) => !CONTROL.has(e.type)),
    comments,
    retries,
    raw: () => raw,
    waitForEvents: async (count, timeoutMs = 5000, filter = (e) => !CONTROL.has(e.type)) => {
      await waitFor(() => events.filter(filter).length >= count, timeoutMs, `${count} events`);
      return events.filter(filter);
    },
    waitForComments: (count, timeoutMs = 5000) =>
      waitFor(() => comments.length >= count, timeoutMs, `${count} comments`),
    ended,
    close: () => abort.abort(),
  };
}
