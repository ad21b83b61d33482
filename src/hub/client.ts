/** One connected browser: a byte-bounded ReadableStream and a single, idempotent close. */
import type { Entry } from '../redis/entry.ts';
import type { Subscription } from './subscription.ts';

export type CloseReason = 'client_gone' | 'slow' | 'expired' | 'shutdown' | 'error';

export type ClientOptions = {
  id: number;
  subscription: Subscription;
  /** Bytes a client may have queued before it counts as slow. */
  bufferBytes: number;
  /** Written synchronously in start(), so headers and the first frame leave at once. */
  firstFrame: Uint8Array;
  /** Identity for per-token / per-IP limits. */
  limitKey: string;
  /** When the client's credentials expire (epoch ms); the heartbeat sweep ends it then. */
  expiresAtMs?: number | undefined;
  onClose: (client: Client, reason: CloseReason) => void;
  /** Called whenever the queue has room again (conflated clients catch up from here). */
  onRoom?: (client: Client) => void;
  /**
   * Drops the connection without an error, where the runtime offers that (Node). Otherwise
   * an eviction errors the stream, which @hono/node-server would log with a stack trace and
   * answer with an error text in the body.
   */
  abortConnection?: (() => void) | undefined;
};

/** What became of bytes offered to a client. */
export type Offer = 'queued' | 'full' | 'closed';

/**
 * Every client's stream has a high-water mark of one byte, with chunks sized in bytes, so
 * `desiredSize` still tells exactly how many bytes wait (1 - desiredSize) while the budget
 * check stays ours. Bun 1.4 sets aside memory in proportion to the high-water mark of each
 * response stream (about 7 KB per idle connection at 1 MiB; measured), which a budget-sized
 * mark would cost every idle client. One shared object: no closure per connection.
 */
const HIGH_WATER_MARK = 1;
const STRATEGY: QueuingStrategy<Uint8Array> = {
  highWaterMark: HIGH_WATER_MARK,
  size: (chunk: Uint8Array | undefined) => chunk?.byteLength ?? 0,
};

/**
 * The client is itself the stream's underlying source (start, pull, cancel), so an idle
 * connection costs one object and its stream rather than a set of closures.
 */
export class Client implements UnderlyingDefaultSource<Uint8Array> {
  readonly id: number;
  readonly subscription: Subscription;
  readonly limitKey: string;
  readonly stream: ReadableStream<Uint8Array>;
  readonly connectedAt = Date.now();
  readonly expiresAtMs: number | undefined;
  lastWriteAt = this.connectedAt;
  closed = false;
  /** Set when the client is attached to live broadcasts (after any replay). */
  live = false;
  /**
   * Conflation state of a client that fell behind: the newest entry per instrument that it
   * has not been sent yet. Null while it keeps up.
   */
  behind: Map<string, Entry> | null = null;

  private controller!: ReadableStreamDefaultController<Uint8Array>;
  private readonly bufferBytes: number;
  private readonly onClose: ClientOptions['onClose'];
  private readonly onRoom: ClientOptions['onRoom'];
  private readonly abortConnection: ClientOptions['abortConnection'];
  private firstFrame: Uint8Array | undefined;
  private roomWaiters: Array<() => void> | null = null;

  constructor(options: ClientOptions) {
    this.id = options.id;
    this.subscription = options.subscription;
    this.limitKey = options.limitKey;
    this.expiresAtMs = options.expiresAtMs;
    this.bufferBytes = options.bufferBytes;
    this.onClose = options.onClose;
    this.onRoom = options.onRoom;
    this.abortConnection = options.abortConnection;
    this.firstFrame = options.firstFrame;
    this.stream = new ReadableStream<Uint8Array>(this, STRATEGY);
  }

  /** Underlying source: enqueues the first frame synchronously (see TRAPS: node-server). */
  start(controller: ReadableStreamDefaultController<Uint8Array>): void {
    this.controller = controller;
    if (this.firstFrame !== undefined) controller.enqueue(this.firstFrame);
    this.firstFrame = undefined;
  }

  /** Underlying source: the runtime took bytes, so the queue has room again. */
  pull(): void {
    this.wakeRoomWaiters();
    if (this.behind !== null) this.onRoom?.(this);
  }

  /** Underlying source: the runtime saw the client go. */
  cancel(): void {
    this.close('client_gone');
  }

  /** Bytes waiting in this client's queue (not yet taken by the runtime's socket writer). */
  get queuedBytes(): number {
    if (this.closed) return 0;
    return Math.max(0, HIGH_WATER_MARK - (this.controller.desiredSize ?? 0));
  }

  /**
   * Offers live bytes within the client's budget, never waiting: 'full' means they would
   * push the queue past CLIENT_BUFFER_BYTES (an empty queue always takes them), and the
   * caller applies the slow-client policy.
   */
  offer(bytes: Uint8Array): Offer {
    if (this.closed) return 'closed';
    const queued = this.queuedBytes;
    if (queued > 0 && queued + bytes.byteLength > this.bufferBytes) return 'full';
    return this.push(bytes) ? 'queued' : 'closed';
  }

  /** Queues bytes regardless of budget: for control frames and paced replays. */
  push(bytes: Uint8Array): boolean {
    if (this.closed) return false;
    try {
      this.controller.enqueue(bytes);
    } catch {
      this.close('client_gone');
      return false;
    }
    this.lastWriteAt = Date.now();
    return true;
  }

  /** Resolves once the queue has room again (or the client closed): used by replays. */
  waitForRoom(): Promise<void> {
    if (this.closed || (this.controller.desiredSize ?? 0) > 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.roomWaiters ??= [];
      this.roomWaiters.push(resolve);
    });
  }

  /**
   * The one way a client ends. `finalFrame` (shutdown, expiry) is flushed before the stream
   * closes; otherwise the queue is dropped at once so its memory is released.
   */
  close(reason: CloseReason, finalFrame?: Uint8Array): void {
    if (this.closed) return;
    this.closed = true;
    try {
      if (finalFrame !== undefined) {
        this.controller.enqueue(finalFrame);
        this.controller.close();
      } else if (reason === 'client_gone') {
        this.controller.close();
      } else if (this.abortConnection !== undefined) {
        this.abortConnection(); // the runtime then cancels the stream, releasing its queue
      } else {
        // Errors the stream, which drops its queue and the connection. No error value: Bun
        // 1.4 prints any value a response stream errors with (checked by a test).
        this.controller.error(undefined);
      }
    } catch {
      // The stream was already cancelled or errored by the runtime: nothing left to release.
    }
    this.behind = null;
    this.wakeRoomWaiters();
    this.onClose(this, reason);
  }

  private wakeRoomWaiters(): void {
    const waiters = this.roomWaiters;
    if (waiters === null) return;
    this.roomWaiters = null;
    for (const wake of waiters) wake();
  }
}
