// A Bun.serve test peer that answers the typed client with hand-written SSE frames.
import type { Server } from 'bun';

/** Values pushed by callbacks, awaited in order with a deadline instead of a sleep. */
export type Channel<T> = { push(value: T): void; next(timeoutMs?: number): Promise<T> };

export function channel<T>(): Channel<T> {
  const queued: T[] = [];
  const waiting: ((value: T) => void)[] = [];
  return {
    push(value) {
      const waiter = waiting.shift();
      if (waiter) waiter(value);
      else queued.push(value);
    },
    next(timeoutMs = 5000) {
      if (queued.length > 0) return Promise.resolve(queued.shift() as T);
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting.splice(waiting.indexOf(waiter), 1);
          reject(new Error(`nothing arrived within ${timeoutMs} ms`));
        }, timeoutMs);
        const waiter = (value: T): void => {
          clearTimeout(timer);
          resolve(value);
        };
        waiting.push(waiter);
      });
    },
  };
}

/** One request the peer saw: when, its headers, and a promise that settles when it ends. */
export type Seen = { at: number; headers: Headers; url: URL; ended: Promise<void> };

export type Peer = {
  url: string;
  requests: Channel<Seen>;
  count(): number;
  stop(): Promise<void>;
};

/** What to answer to request number `n` (from 1). */
export type Answer = (n: number, request: Request) => Response;

export function startPeer(answer: Answer): Peer {
  const requests = channel<Seen>();
  let n = 0;
  const server: Server<undefined> = Bun.serve({
    port: 0,
    hostname: '127.0.0.1',
    fetch(request, srv) {
      srv.timeout(request, 0); // SSE answers may idle longer than Bun's default 10 s
      n += 1;
      const ended = new Promise<void>((resolve) => {
        request.signal.addEventListener('abort', () => resolve(), { once: true });
      });
      requests.push({ at: Date.now(), headers: request.headers, url: new URL(request.url), ended });
      return answer(n, request);
    },
  });
  return {
    url: `http://127.0.0.1:${server.port}/sse`,
    requests,
    count: () => n,
    stop: () => server.stop(true),
  };
}

const SSE_HEADERS = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' };

/** An SSE answer that sends `frames` and then either ends or stays open until the client goes. */
export function sse(frames: string, options: { end?: boolean } = {}): Response {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(frames));
      if (options.end) controller.close();
    },
  });
  return new Response(body, { headers: SSE_HEADERS });
}

/** The gateway's JSON error answer. */
export function refuse(status: number, code: string, headers: Record<string, string> = {}) {
  const body = JSON.stringify({ error: { code, message: `refused with ${code}` } });
  const type = { 'content-type': 'application/json' };
  return new Response(body, { status, headers: { ...type, ...headers } });
}
