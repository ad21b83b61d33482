/** The central fan-out: each batch is encoded once per distinct subscription, never waits. */
import type { Entry } from '../redis/entry.ts';
import { type StreamId, ZERO_ID, compareIds } from '../redis/stream-id.ts';
import { formatCursor } from '../sse/cursor.ts';
import { encodeEntryBody, encodeFrame } from '../sse/frame.ts';
import type { Client } from './client.ts';
import { Conflation } from './conflation.ts';
import { encodeEntries } from './entry-frames.ts';
import { type Group, createGroup } from './group.ts';
import { instrumentKey } from './instrument.ts';
import { LastValues } from './last-values.ts';
import { Readiness } from './readiness.ts';
import { type Subscription, matches } from './subscription.ts';

export type BroadcasterOptions = {
  streams: readonly string[];
  eventNames: ReadonlyMap<string, string>;
  keyFields: ReadonlyMap<string, readonly string[]>;
  slowClientPolicy: 'disconnect' | 'conflate';
  /** Instruments per stream kept for snapshots (0 turns snapshots off). */
  snapshotKeys: number;
};

/** Counters the gateway exposes on /metrics. */
export type BroadcastStats = {
  entries: number;
  skipped: number;
  batches: number;
  lastBatchSize: number;
  framesQueued: number;
  /** Entry events queued to clients by live fan-out (one per entry per client). */
  eventsQueued: number;
  bytesQueued: number;
  slowDisconnects: number;
  conflatedClients: number;
  conflatedEntries: number;
};

const encoder = new TextEncoder();
const RATE_TICK_MS = 25;

export class Broadcaster {
  /** Last entry ID handed out per stream: where live delivery stands. */
  readonly positions = new Map<string, StreamId>();
  /** Every open client, live or still replaying. */
  readonly clients = new Set<Client>();
  readonly lastValues: LastValues;
  readonly stats: BroadcastStats = {
    entries: 0,
    skipped: 0,
    batches: 0,
    lastBatchSize: 0,
    framesQueued: 0,
    eventsQueued: 0,
    bytesQueued: 0,
    slowDisconnects: 0,
    conflatedClients: 0,
    conflatedEntries: 0,
  };

  /** Whether the readers have taken their start positions (and refilled snapshots). */
  readonly readiness = new Readiness();
  private readonly conflation: Conflation;
  private readonly groups = new Map<string, Group>();
  private readonly groupsByStream = new Map<string, Group[]>();
  private readonly gated = new Set<Group>();
  private rateTimer: ReturnType<typeof setInterval> | undefined;
  private readonly options: BroadcasterOptions;

  constructor(options: BroadcasterOptions) {
    this.options = options;
    this.lastValues = new LastValues(options.keyFields, options.snapshotKeys);
    this.conflation = new Conflation(this.keyOf, this.stats);
    for (const stream of options.streams) {
      this.positions.set(stream, ZERO_ID);
      this.groupsByStream.set(stream, []);
    }
  }

  /** Called by each reader after its first sync with Redis. */
  start(): void {
    this.readiness.report();
  }

  eventNameOf(stream: string): string {
    return this.options.eventNames.get(stream) ?? stream;
  }

  keyOf = (entry: Entry): string => instrumentKey(entry, this.options.keyFields.get(entry.stream));

  /** The subscription object already in use for the same key, so its clients share one. */
  intern(subscription: Subscription): Subscription {
    return this.groups.get(subscription.key)?.subscription ?? subscription;
  }

  /** Counts a client as open (heartbeats, /health) before it is live. */
  register(client: Client): void {
    this.clients.add(client);
  }

  /**
   * Starts live delivery to a client; call in the same tick as its replay caught up. With
   * `snapshot`, first sends the newest entry of every instrument it subscribes to: the cache
   * holds exactly what was published so far, so snapshot and live meet with no gap.
   */
  attach(client: Client, snapshot = false): void {
    if (client.closed) return;
    const { subscription } = client;
    if (snapshot) this.sendSnapshot(client);
    let group = this.groups.get(subscription.key);
    if (group === undefined) {
      group = createGroup(subscription, this.keyOf);
      this.groups.set(subscription.key, group);
      for (const stream of subscription.streams) this.groupsByStream.get(stream)?.push(group);
      if (group.gate !== null) this.startRateTimer(group);
    }
    group.clients.add(client);
    client.live = true;
  }

  /** Forgets a client; the last client of a subscription takes its group with it. */
  remove(client: Client): void {
    this.clients.delete(client);
    const group = this.groups.get(client.subscription.key);
    if (group === undefined || !group.clients.delete(client) || group.clients.size > 0) return;
    this.groups.delete(client.subscription.key);
    this.gated.delete(group);
    for (const stream of group.subscription.streams) {
      const list = this.groupsByStream.get(stream);
      if (list !== undefined) list.splice(list.indexOf(group), 1);
    }
    if (this.gated.size === 0) this.stopRateTimer();
  }

  /**
   * Delivers a batch read from Redis, in order. Positions advance over skipped entries too,
   * so that a cursor never points before an entry the gateway has already dealt with.
   */
  publish(entries: readonly Entry[]): void {
    const touched: Group[] = [];
    const conflating = this.options.slowClientPolicy === 'conflate';
    const now = Date.now();
    for (const entry of entries) {
      this.positions.set(entry.stream, entry.id);
      if (entry.payload === undefined) {
        this.stats.skipped++;
        continue;
      }
      this.stats.entries++;
      this.lastValues.record(entry);
      const groups = this.groupsByStream.get(entry.stream);
      if (groups === undefined || groups.length === 0) continue;
      let body: string | undefined;
      let cursors: Map<string, string> | undefined;
      for (const group of groups) {
        if (!matches(group.subscription, entry)) continue;
        if (group.gate !== null && !group.gate.offer(entry, now)) continue;
        body ??= encodeEntryBody(this.eventNameOf(entry.stream), entry.payload);
        const { streams, streamsKey } = group.subscription;
        let id = entry.id;
        if (streams.length > 1) {
          cursors ??= new Map();
          id = cursors.get(streamsKey) ?? formatCursor(streams, this.positions);
          cursors.set(streamsKey, id);
        }
        if (group.pending === '') touched.push(group);
        group.pending += `id: ${id}\n${body}`;
        group.pendingEvents++;
        if (conflating) group.entries.push(entry);
      }
    }
    this.stats.batches++;
    this.stats.lastBatchSize = entries.length;
    for (const group of touched) this.flush(group);
  }

  /** Sends a control event (no id) to every live client reading `stream`, or to all. */
  sendControl(event: string, data: unknown, stream?: string): void {
    const bytes = encoder.encode(encodeFrame({ event, data: JSON.stringify(data) }));
    const targets = stream === undefined ? this.clients : this.liveClientsOf(stream);
    for (const client of targets) client.push(bytes);
  }

  /** Moves a stream's position back after it was recreated with lower IDs. */
  resetStream(stream: string, to: StreamId, gap: unknown): void {
    this.positions.set(stream, to);
    this.lastValues.clear(stream);
    this.sendControl('gap', gap, stream);
  }

  /** Entry frames for one subscription, with cursors as of the live position. */
  encodeEntries(subscription: Subscription, entries: readonly Entry[]): string {
    return encodeEntries(subscription, entries, this.positions, (s) => this.eventNameOf(s));
  }

  /** A conflated client has room again: send it the newest of what it missed. */
  catchUpConflated = (client: Client): void => {
    this.conflation.catchUp(client, (entries) =>
      encoder.encode(this.encodeEntries(client.subscription, entries)),
    );
  };

  private flush(group: Group): void {
    const bytes = encoder.encode(group.pending);
    const events = group.pendingEvents;
    group.pending = '';
    group.pendingEvents = 0;
    for (const client of group.clients) {
      if (client.behind !== null) {
        this.conflation.hold(client, group.entries);
        continue;
      }
      const result = client.offer(bytes);
      if (result === 'queued') {
        this.stats.framesQueued++;
        this.stats.eventsQueued += events;
        this.stats.bytesQueued += bytes.byteLength;
      } else if (result === 'full') {
        if (this.options.slowClientPolicy === 'conflate') {
          this.conflation.begin(client, group.entries);
        } else {
          this.stats.slowDisconnects++;
          client.close('slow');
        }
      }
    }
    group.entries = [];
  }

  private sendSnapshot(client: Client): void {
    const entries = this.lastValues.snapshot(client.subscription);
    if (entries.length === 0) return;
    client.push(encoder.encode(this.encodeEntries(client.subscription, entries)));
  }

  private startRateTimer(group: Group): void {
    this.gated.add(group);
    if (this.rateTimer !== undefined) return;
    this.rateTimer = setInterval(() => this.releaseHeld(), RATE_TICK_MS);
    (this.rateTimer as { unref?: () => void }).unref?.();
  }

  private stopRateTimer(): void {
    clearInterval(this.rateTimer);
    this.rateTimer = undefined;
  }

  /** One timer for every rate-limited subscription: sends held entries whose time came. */
  private releaseHeld(): void {
    const now = Date.now();
    for (const group of this.gated) {
      if (!group.gate?.holding) continue;
      const due = group.gate.release(now).sort((a, b) => compareIds(a.id, b.id));
      if (due.length === 0) continue;
      group.pending = this.encodeEntries(group.subscription, due);
      group.pendingEvents = due.length;
      if (this.options.slowClientPolicy === 'conflate') group.entries = due;
      this.flush(group);
    }
  }

  private *liveClientsOf(stream: string): Iterable<Client> {
    for (const group of this.groupsByStream.get(stream) ?? []) yield* group.clients;
  }
}
