/** Test helper: an SSE client on a raw node:net socket that can stall, send RST or vanish. */
import { type Socket, connect } from 'node:net';
import { createParser } from 'eventsource-parser';
import { ChunkedDecoder } from './chunked.ts';

export type RawEvent = { type: string; data: string; id: string | undefined };
export type RawHead = { status: number; headers: Map<string, string> };

export type RawSseOptions = {
  port: number;
  path: string;
  headers?: Record<string, string>;
  /** Keep every event in `events` (default true); big runs count in `onEvent` instead. */
  keepEvents?: boolean;
  onEvent?: (event: RawEvent) => void;
  /** Raw header lines sent as they are (hostile bytes a fetch client refuses to send). */
  rawHeaderLines?: string[];
};

export type RawSse = {
  socket: Socket;
  /** Settles with status and lower-cased headers once the response head arrived. */
  head: Promise<RawHead>;
  events: RawEvent[];
  /** Counts so far, and the last `retry:` the server sent (the reconnect delay it asks for). */
  stats: { events: number; comments: number; bodyBytes: number; retryMs: number | undefined };
  /** The body as text so far: a non-stream answer, or the stream's bytes if `keepEvents`. */
  body: () => string;
  /**
   * How the connection ended: `end` (the server ended the response or closed the socket; the
   * socket is then closed here, as EventSource does), `error:<code>` or `local`.
   */
  closed: Promise<string>;
  isClosed: () => boolean;
  /** Polls `check` on every received chunk and on close; rejects after `timeoutMs`. */
  waitFor: (check: () => boolean, timeoutMs: number, what: string) => Promise<void>;
  /** Stops reading from the socket, so the kernel buffers fill and the server must cope. */
  pause: () => void;
  resume: () => void;
  /** Clean close (FIN). */
  end: () => void;
  /** Abortive close (RST, as SO_LINGER 0). */
  reset: () => void;
};

const CONTROL = new Set(['connected', 'gap', 'expired', 'shutdown']);

export function isEntry(event: RawEvent): boolean {
  return !CONTROL.has(event.type);
}

export function openRawSse(options: RawSseOptions): RawSse {
  const socket = connect({ port: options.port, host: '127.0.0.1' });
  const keep = options.keepEvents ?? true;
  const events: RawEvent[] = [];
  const stats = { events: 0, comments: 0, bodyBytes: 0, retryMs: undefined as number | undefined };
  const watchers = new Set<() => void>();
  const notify = () => {
    for (const watcher of watchers) watcher();
  };
  const parser = createParser({
    onEvent: (message) => {
      const event = { type: message.event ?? 'message', data: message.data, id: message.id };
      stats.events++;
      if (keep) events.push(event);
      options.onEvent?.(event);
    },
    onComment: () => stats.comments++,
    onRetry: (ms) => (stats.retryMs = ms),
  });
  const decoder = new TextDecoder();
  let bodyText = '';
  let bodyEnded = false;
  const chunked = new ChunkedDecoder(
    (bytes) => {
      stats.bodyBytes += bytes.byteLength;
      const text = decoder.decode(bytes, { stream: true });
      if (keep) bodyText += text;
      parser.feed(text);
    },
    () => {
      // The response is over; a keep-alive socket would stay open, a browser reconnects.
      bodyEnded = true;
      socket.destroy();
    },
  );
  let headText = '';
  let headDone = false;
  let isChunked = false;
  let resolveHead: (head: RawHead) => void = () => {};
  let rejectHead: (error: Error) => void = () => {};
  const head = new Promise<RawHead>((resolve, reject) => {
    resolveHead = resolve;
    rejectHead = reject;
  });
  head.catch(() => {}); // callers that never look at the head must not see an unhandled one

  const onBody = (bytes: Buffer) => {
    if (isChunked) chunked.push(bytes);
    else bodyText += bytes.toString('utf8');
  };
  socket.on('data', (bytes: Buffer) => {
    if (headDone) onBody(bytes);
    else {
      headText += bytes.toString('latin1');
      const end = headText.indexOf('\r\n\r\n');
      if (end >= 0) {
        headDone = true;
        const parsed = parseHead(headText.slice(0, end));
        isChunked = parsed.headers.get('transfer-encoding')?.includes('chunked') ?? false;
        resolveHead(parsed);
        const rest = Buffer.from(headText.slice(end + 4), 'latin1');
        if (rest.byteLength > 0) onBody(rest);
      }
    }
    notify();
  });

  let closedLocally = false;
  let failure: string | undefined;
  let isClosed = false;
  socket.on('error', (error: NodeJS.ErrnoException) => (failure = error.code ?? 'unknown'));
  const closed = new Promise<string>((resolve) => {
    socket.once('close', () => {
      isClosed = true;
      rejectHead(new Error(`connection closed before the response head (${failure ?? 'end'})`));
      const how = failure !== undefined ? `error:${failure}` : 'end';
      resolve(closedLocally && !bodyEnded ? 'local' : how);
      notify();
    });
  });

  socket.once('connect', () => {
    const lines = [`GET ${options.path} HTTP/1.1`, `Host: 127.0.0.1:${options.port}`];
    lines.push('Accept: text/event-stream');
    for (const [name, value] of Object.entries(options.headers ?? {})) {
      lines.push(`${name}: ${value}`);
    }
    lines.push(...(options.rawHeaderLines ?? []));
    socket.write(`${lines.join('\r\n')}\r\n\r\n`);
  });

  return {
    socket,
    head,
    events,
    stats,
    body: () => bodyText,
    closed,
    isClosed: () => isClosed,
    waitFor: (check, timeoutMs, what) =>
      new Promise<void>((resolve, reject) => {
        const watcher = () => {
          if (!check() && !isClosed) return;
          watchers.delete(watcher);
          clearTimeout(timer);
          if (check()) resolve();
          else reject(new Error(`connection closed while waiting for ${what}`));
        };
        const timer = setTimeout(() => {
          watchers.delete(watcher);
          reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
        }, timeoutMs);
        watchers.add(watcher);
        watcher();
      }),
    pause: () => socket.pause(),
    resume: () => socket.resume(),
    end: () => {
      closedLocally = true;
      socket.end();
      socket.destroySoon();
    },
    reset: () => {
      closedLocally = true;
      socket.resetAndDestroy();
    },
  };
}

function parseHead(text: string): RawHead {
  const [statusLine = '', ...lines] = text.split('\r\n');
  const headers = new Map<string, string>();
  for (const line of lines) {
    const at = line.indexOf(':');
    if (at > 0) headers.set(line.slice(0, at).trim().toLowerCase(), line.slice(at + 1).trim());
  }
  return { status: Number(statusLine.split(' ')[1]), headers };
}
