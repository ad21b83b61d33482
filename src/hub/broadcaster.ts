/** The central fan-out: each batch is encoded once per distinct subscription, never waits. */
import type { Entry } from '../redis/entry.ts';
import { type StreamId, ZERO_ID } from '../redis/stream-id.ts';
import { formatCursor } from '../sse/cursor.ts';
import { encodeEntryBody, encodeFrame } from '../sse/frame.ts';
import type { Client } from './client.ts';
import { type Subscription, matches } from './subscription.ts';

type Group = {
  subscription: Subscription;
  clients: Set<Client>;
  /** Frames of the batch being published, flushed once per batch. */
  pending: string;
};

/** Counters the gateway exposes on /metrics. */
export type BroadcastStats = {
  entries: number;
  skipped: number;
  framesQueued: number;
  bytesQueued: number;
  batches: number;
};

const encoder = new TextEncoder();

export class Broadcaster {
  /** Last entry ID handed out per stream: where live delivery stands. */
  readonly positions = new Map<string, StreamId>();
  /** Every open client, live or still replaying. */
  readonly clients = new Set<Client>();
  readonly stats: BroadcastStats = {
    entries: 0,
    skipped: 0,
    framesQueued: 0,
    bytesQueued: 0,
    batches: 0,
  };

  private readonly groups = new Map<string, Group>();
  private readonly groupsByStream = new Map<string, Group[]>();
  private readonly eventNames: ReadonlyMap<string, string>;

  constructor(streams: readonly string[], eventNames: ReadonlyMap<string, string>) {
    this.eventNames = eventNames;
    for (const stream of streams) {
      this.positions.set(stream, ZERO_ID);
      this.groupsByStream.set(stream, []);
    }
  }

  eventNameOf(stream: string): string {
    return this.eventNames.get(stream) ?? stream;
  }

  /** Counts a client as open (heartbeats, /health) before it is live. */
  register(client: Client): void {
    this.clients.add(client);
  }

  /** Starts live delivery to a client; call in the same tick as its replay caught up. */
  attach(client: Client): void {
    if (client.closed) return;
    const { subscription } = client;
    let group = this.groups.get(subscription.key);
    if (group === undefined) {
      group = { subscription, clients: new Set(), pending: '' };
      this.groups.set(subscription.key, group);
      for (const stream of subscription.streams) this.groupsByStream.get(stream)?.push(group);
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
    for (const stream of group.subscription.streams) {
      const list = this.groupsByStream.get(stream);
      if (list !== undefined) list.splice(list.indexOf(group), 1);
    }
  }

  /**
   * Delivers a batch read from Redis, in order. Positions advance over skipped entries too,
   * so that a cursor never points before an entry the gateway has already dealt with.
   */
  publish(entries: readonly Entry[]): void {
    const touched: Group[] = [];
    for (const entry of entries) {
      this.positions.set(entry.stream, entry.id);
      if (entry.payload === undefined) {
        this.stats.skipped++;
        continue;
      }
      this.stats.entries++;
      const groups = this.groupsByStream.get(entry.stream);
      if (groups === undefined || groups.length === 0) continue;
      let body: string | undefined;
      let cursors: Map<string, string> | undefined;
      for (const group of groups) {
        if (!matches(group.subscription, entry)) continue;
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
      }
    }
    this.stats.batches++;
    for (const group of touched) {
      const bytes = encoder.encode(group.pending);
      group.pending = '';
      for (const client of group.clients) {
        if (client.push(bytes)) {
          this.stats.framesQueued++;
          this.stats.bytesQueued += bytes.byteLength;
        }
      }
    }
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
    this.sendControl('gap', gap, stream);
  }

  private *liveClientsOf(stream: string): Iterable<Client> {
    for (const group of this.groupsByStream.get(stream) ?? []) yield* group.clients;
  }
}
