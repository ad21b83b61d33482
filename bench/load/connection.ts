// One raw-socket SSE client: sends the GET, checks the answer, then counts (and maybe parses).
import { connect, type Socket } from 'node:net';
import { ChunkedDecoder } from './chunked-decoder.ts';
import { FrameCounter } from './frame-counter.ts';
import type { Histogram } from './histogram.ts';
import type { KeyTracker } from './key-tracker.ts';
import { SampleParser } from './sample-parser.ts';
import { SeqTracker } from './seq-tracker.ts';

export type Target = { host: string; port: number; path: string; event: string };

const HEAD_END = Buffer.from('\r\n\r\n');

export class SseConnection {
  readonly counter: FrameCounter;
  readonly tracker: SeqTracker | undefined;
  private parser: SampleParser | undefined;
  private socket: Socket | undefined;
  private head: Buffer = Buffer.alloc(0);
  private decoder: ChunkedDecoder | undefined;
  open = false;

  constructor(
    private readonly target: Target,
    private readonly localAddress: string,
    latency: Histogram | undefined,
    readonly keys?: KeyTracker,
  ) {
    this.counter = new FrameCounter(target.event);
    if (latency !== undefined) {
      const tracker = new SeqTracker();
      this.tracker = tracker;
      this.parser = new SampleParser(target.event, (seq, ts, arrivedAt) => {
        if (!tracker.record(seq)) return;
        if (Number.isFinite(ts)) latency.record(arrivedAt - ts);
        keys?.record(seq, arrivedAt);
      });
    }
  }

  /** Resolves once a 200 with headers arrived; rejects with a short reason otherwise. */
  connect(timeoutMs: number, onClose: () => void): Promise<void> {
    const { host, port, path } = this.target;
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port, localAddress: this.localAddress });
      this.socket = socket;
      const timer = setTimeout(() => fail('timeout'), timeoutMs);
      const fail = (reason: string): void => {
        clearTimeout(timer);
        socket.destroy();
        reject(new Error(reason));
      };
      socket.once('connect', () => {
        socket.write(
          `GET ${path} HTTP/1.1\r\nHost: ${host}:${port}\r\n` +
            'Accept: text/event-stream\r\nCache-Control: no-cache\r\n\r\n',
        );
      });
      socket.on('error', (error: NodeJS.ErrnoException) => fail(error.code ?? 'socket error'));
      socket.on('close', () => {
        if (this.open) onClose();
        this.open = false;
        fail('closed before headers');
      });
      socket.on('data', (chunk: Buffer) => {
        if (this.open) return this.body(chunk);
        const status = this.readHead(chunk);
        if (status === undefined) return;
        if (status !== 200) return fail(`HTTP ${status}`);
        clearTimeout(timer);
        this.open = true;
        resolve();
      });
    });
  }

  close(): void {
    this.open = false;
    this.socket?.destroy();
  }

  /** Collects the response head; returns the status once it is complete. */
  private readHead(chunk: Buffer): number | undefined {
    this.head = Buffer.concat([this.head, chunk]);
    const end = this.head.indexOf(HEAD_END);
    if (end === -1) return this.head.length > 65_536 ? 0 : undefined;
    const text = this.head.toString('latin1', 0, end);
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 0);
    if (/\r\ntransfer-encoding:[^\r]*chunked/i.test(text)) {
      this.decoder = new ChunkedDecoder((slice) => this.payload(slice));
    }
    const rest = this.head.subarray(end + HEAD_END.length);
    this.head = Buffer.alloc(0);
    if (status === 200 && rest.length > 0) queueMicrotask(() => this.body(rest));
    return status;
  }

  private body(chunk: Buffer): void {
    if (this.decoder !== undefined) this.decoder.push(chunk);
    else this.payload(chunk);
  }

  private payload(slice: Buffer): void {
    this.counter.push(slice);
    this.parser?.push(slice, performance.timeOrigin + performance.now());
  }
}
