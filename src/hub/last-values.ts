/** The last-value cache behind `?snapshot=1`: the newest entry per instrument, per stream. */
import type { Entry } from '../redis/entry.ts';
import { compareIds } from '../redis/stream-id.ts';
import { instrumentKey } from './instrument.ts';
import { type Subscription, matches } from './subscription.ts';

export class LastValues {
  private readonly byStream = new Map<string, Map<string, Entry>>();
  private payloadChars = 0;

  /** `maxKeysPerStream` 0 turns the cache off; past it the least recently updated key goes. */
  constructor(
    private readonly keyFields: ReadonlyMap<string, readonly string[]>,
    private readonly maxKeysPerStream: number,
  ) {}

  get enabled(): boolean {
    return this.maxKeysPerStream > 0;
  }

  /** Entries held, and the characters of their payloads (what the cache costs, roughly). */
  get size(): { entries: number; payloadChars: number } {
    let entries = 0;
    for (const map of this.byStream.values()) entries += map.size;
    return { entries, payloadChars: this.payloadChars };
  }

  record(entry: Entry): void {
    if (!this.enabled || entry.payload === undefined) return;
    let map = this.byStream.get(entry.stream);
    if (map === undefined) {
      map = new Map();
      this.byStream.set(entry.stream, map);
    }
    const key = instrumentKey(entry, this.keyFields.get(entry.stream));
    const previous = map.get(key);
    if (previous !== undefined) {
      map.delete(key); // re-insert so that Map order is least recently updated first
      this.payloadChars -= previous.payload?.length ?? 0;
    }
    map.set(key, entry);
    this.payloadChars += entry.payload.length;
    if (map.size > this.maxKeysPerStream) {
      const [oldestKey, oldest] = map.entries().next().value as [string, Entry];
      map.delete(oldestKey);
      this.payloadChars -= oldest.payload?.length ?? 0;
    }
  }

  /** Forgets a stream, e.g. after it was recreated. */
  clear(stream: string): void {
    const map = this.byStream.get(stream);
    if (map === undefined) return;
    for (const entry of map.values()) this.payloadChars -= entry.payload?.length ?? 0;
    map.clear();
  }

  /** The newest entry of every instrument the subscription matches, oldest first per stream. */
  snapshot(subscription: Subscription): Entry[] {
    const out: Entry[] = [];
    for (const stream of subscription.streams) {
      const entries = [...(this.byStream.get(stream)?.values() ?? [])];
      entries.sort((a, b) => compareIds(a.id, b.id));
      for (const entry of entries) if (matches(subscription, entry)) out.push(entry);
    }
    return out;
  }
}
