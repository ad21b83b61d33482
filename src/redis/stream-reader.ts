/** The one Redis reader: XREAD BLOCK over every stream, always from the last IDs it handed out. */
import type { RedisClient } from './connection.ts';
import type { Broadcaster } from '../hub/broadcaster.ts';
import type { Client } from '../hub/client.ts';
import type { Logger } from '../log.ts';
import { type Entry, parseEntry } from './entry.ts';
import { readLatest } from './history.ts';
import { type StreamBounds, readBounds, wasRecreated, wasTrimmedAfter } from './stream-info.ts';
import { type StreamId, ZERO_ID, compareIds, idAtTime, previousId } from './stream-id.ts';

export type ReaderState = 'starting' | 'ready' | 'down' | 'stopped';

export type StreamReaderOptions = {
  /** A connection used by nothing else: XREAD BLOCK holds it. */
  redis: RedisClient;
  streams: readonly string[];
  keyOf: (stream: string) => string;
  hub: Broadcaster;
  blockMs: number;
  /** Upper bound of XREAD COUNT (per stream). */
  count: number;
  /**
   * Payload bytes one batch should stay under, so that a batch never looks like a slow
   * client by itself: COUNT adapts to the entry sizes seen (a quarter of the client budget).
   */
  batchBytes: number;
  maxEntryBytes: number;
  /** Newest entries per stream read at first start to refill the snapshot cache. */
  rebuildEntries: number;
  log: Logger;
  onEntries?: (entries: readonly Entry[]) => void;
  onStateChange?: (state: ReaderState) => void;
};

type XReadReply = Array<[Buffer, Array<[Buffer, Buffer[]]>]> | null;

/** How long past its BLOCK time a read may stay unanswered before the socket is distrusted. */
const WATCHDOG_GRACE_MS = 5000;

export class StreamReader {
  state: ReaderState = 'starting';
  private readonly options: StreamReaderOptions;
  private readonly streamByKey = new Map<string, string>();
  private synced = false;
  /** Positions were taken from Redis once; later syncs only check for recreated streams. */
  private started = false;
  private stopping = false;
  private loop: Promise<void> | undefined;
  private count: number;
  /** The connection's latest error, e.g. ECONNREFUSED: clearer than a failed command's text. */
  private lastError: string | undefined;

  constructor(options: StreamReaderOptions) {
    this.options = options;
    this.count = options.count;
    options.redis.on('error', (error: Error) => {
      this.lastError = error.message;
    });
    for (const stream of options.streams) this.streamByKey.set(options.keyOf(stream), stream);
  }

  /** Starts reading in the background; Redis being down is not an error here. */
  start(): void {
    this.options.redis.connect().catch(() => {
      // Reported through the loop's state; ioredis keeps retrying with backoff.
    });
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.setState('stopped');
    this.options.redis.disconnect(false);
    await this.loop;
  }

  private async run(): Promise<void> {
    const { redis, log } = this.options;
    while (!this.stopping) {
      try {
        await this.waitForConnection();
        if (this.stopping) break;
        if (!this.synced) await this.sync();
        this.setState('ready');
        const reply = await this.readOnce();
        if (reply === null) {
          await this.sync(); // idle: cheap check that no stream was recreated meanwhile
          continue;
        }
        this.handOut(reply);
      } catch (error) {
        if (this.stopping) break;
        if (this.state !== 'down') {
          const cause =
            redis.status === 'ready' ? describe(error) : (this.lastError ?? describe(error));
          log.warn('redis reader lost its connection', { error: cause });
        }
        this.setState('down');
        this.synced = false;
        if (redis.status === 'ready') await delay(200); // a command error, not an outage
      }
    }
  }

  private async readOnce(): Promise<XReadReply> {
    const { redis, hub, blockMs, streams, keyOf } = this.options;
    const count = this.count;
    const ids = streams.map((stream) => hub.positions.get(stream) ?? ZERO_ID);
    const keys = streams.map(keyOf);
    const read = redis.xreadBuffer(
      'COUNT',
      count,
      'BLOCK',
      blockMs,
      'STREAMS',
      ...keys,
      ...ids,
    ) as Promise<XReadReply>;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const watchdog = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        // A read this late sits on a half-open socket: reconnect and read again.
        redis.disconnect(true);
        reject(new Error('XREAD did not answer in time'));
      }, blockMs + WATCHDOG_GRACE_MS);
    });
    try {
      return await Promise.race([read, watchdog]);
    } finally {
      clearTimeout(timer);
    }
  }

  private handOut(reply: NonNullable<XReadReply>): void {
    const { maxEntryBytes, hub, onEntries } = this.options;
    const entries: Entry[] = [];
    for (const [keyBuffer, items] of reply) {
      const stream = this.streamByKey.get(keyBuffer.toString());
      if (stream === undefined) continue;
      for (const [idBuffer, fields] of items) {
        entries.push(parseEntry(stream, idBuffer.toString(), fields, maxEntryBytes));
      }
    }
    hub.publish(entries);
    onEntries?.(entries);
    this.adaptCount(entries);
  }

  private adaptCount(entries: readonly Entry[]): void {
    let bytes = 0;
    for (const entry of entries) bytes += entry.payload?.length ?? 0;
    const perEntry = Math.max(64, bytes / Math.max(1, entries.length));
    const fits = Math.floor(this.options.batchBytes / perEntry / this.options.streams.length);
    this.count = Math.max(1, Math.min(this.options.count, fits));
  }

  /**
   * On first start: begin after each stream's last entry. After a reconnect: keep the
   * positions, unless a stream was recreated (IDs went backwards, e.g. Redis restarted
   * without persistence), which resets it to the start and tells its clients with a `gap`.
   */
  private async sync(): Promise<void> {
    const { redis, streams, keyOf, hub, log } = this.options;
    const bounds = await Promise.all(streams.map((stream) => readBounds(redis, keyOf(stream))));
    const starts = this.started ? [] : startPositions(bounds, hub.clients);
    if (!this.started) await this.refillSnapshots(starts);
    streams.forEach((stream, index) => {
      const info = bounds[index];
      if (!this.started) {
        hub.positions.set(stream, starts[index] ?? ZERO_ID);
        return;
      }
      const position = hub.positions.get(stream) ?? ZERO_ID;
      if (wasRecreated(position, info)) {
        log.warn('stream was recreated; resetting its position', { stream, position });
        hub.resetStream(stream, ZERO_ID, {
          stream,
          reason: 'recreated',
          requested: position,
          resumedFrom: info?.firstEntryId ?? null,
          missed: null,
        });
      } else if (position !== ZERO_ID && wasTrimmedAfter(position, info)) {
        this.announceTrim(stream, position, info as StreamBounds);
      }
    });
    this.synced = true;
    if (!this.started) hub.start();
    this.started = true;
  }

  /**
   * Entries after our position were trimmed (MAXLEN) before we read them, e.g. while the
   * connection was down: XREAD would carry on from the oldest survivor as if nothing was
   * missing, so live clients are told with a `trimmed` gap first. An emptied stream moves the
   * position to its end, so the next idle check does not announce the same loss again.
   */
  private announceTrim(stream: string, position: StreamId, info: StreamBounds): void {
    const { hub, log } = this.options;
    log.warn('entries were trimmed before the reader got to them', { stream, position });
    hub.sendControl(
      'gap',
      {
        stream,
        reason: 'trimmed',
        requested: position,
        resumedFrom: info.firstEntryId ?? null,
        missed: null,
      },
      stream,
    );
    if (info.firstEntryId === undefined) hub.positions.set(stream, info.lastGeneratedId);
  }

  /** Reads the newest entries of each stream into the snapshot cache, before going live. */
  private async refillSnapshots(lastIds: ReadonlyArray<string | undefined>): Promise<void> {
    const { redis, streams, keyOf, hub, rebuildEntries, maxEntryBytes } = this.options;
    if (!hub.lastValues.enabled || rebuildEntries === 0) return;
    const reads = streams.map((stream, index) => {
      const upTo = lastIds[index];
      if (upTo === undefined) return Promise.resolve([]);
      const range = { upTo, count: rebuildEntries };
      return readLatest(redis, keyOf(stream), stream, range, maxEntryBytes);
    });
    for (const entries of await Promise.all(reads)) {
      for (const entry of entries) hub.lastValues.record(entry);
    }
  }

  /**
   * Waits for the connection; after a second without one, says so once per outage with the
   * connection's own error (a wrong REDIS_URL would otherwise go unnoticed in the log).
   */
  private async waitForConnection(): Promise<void> {
    const { redis, log } = this.options;
    const since = Date.now();
    let reported = this.state === 'down';
    while (!this.stopping && redis.status !== 'ready') {
      if (redis.status === 'wait' || redis.status === 'end') {
        redis.connect().catch(() => {});
      }
      if (!reported && Date.now() - since > 1000) {
        reported = true;
        log.warn('cannot reach redis; retrying', { error: this.lastError ?? redis.status });
        this.setState('down');
      }
      await delay(100);
    }
  }

  private setState(state: ReaderState): void {
    if (this.state === state || this.state === 'stopped') return;
    this.state = state;
    this.options.onStateChange?.(state);
  }
}

/**
 * Where reading starts, per stream (undefined where the stream does not exist yet): after the
 * last entry, unless clients connected before this first sync (Redis was down or slow at
 * start). They were sent `connected` and are owed every entry written since, so reading
 * starts just before the first one's connection time instead.
 */
function startPositions(
  bounds: ReadonlyArray<StreamBounds | undefined>,
  clients: Iterable<Client>,
): Array<StreamId | undefined> {
  let firstClientAt = Number.POSITIVE_INFINITY;
  for (const client of clients) firstClientAt = Math.min(firstClientAt, client.connectedAt);
  const before = Number.isFinite(firstClientAt) ? previousId(idAtTime(firstClientAt)) : undefined;
  return bounds.map((info) => {
    if (info === undefined) return undefined;
    const last = info.lastGeneratedId;
    return before !== undefined && compareIds(before, last) < 0 ? before : last;
  });
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
