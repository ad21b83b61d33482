/** SLOW_CLIENT_POLICY=conflate: a client that fell behind keeps only the newest per instrument. */
import type { Entry } from '../redis/entry.ts';
import { compareIds } from '../redis/stream-id.ts';
import type { Client } from './client.ts';

export type ConflationStats = { conflatedClients: number; conflatedEntries: number };

export class Conflation {
  constructor(
    private readonly keyOf: (entry: Entry) => string,
    private readonly stats: ConflationStats,
  ) {}

  /** Starts conflating a client whose queue is full, beginning with the batch it missed. */
  begin(client: Client, entries: readonly Entry[]): void {
    client.behind = new Map();
    this.stats.conflatedClients++;
    this.hold(client, entries);
  }

  /** Keeps the newest of `entries` per instrument for a client that is behind. */
  hold(client: Client, entries: readonly Entry[]): void {
    const behind = client.behind as Map<string, Entry>;
    for (const entry of entries) {
      const key = this.keyOf(entry);
      if (behind.has(key)) this.stats.conflatedEntries++;
      behind.delete(key);
      behind.set(key, entry);
    }
  }

  /**
   * The client has room again: sends what it holds, oldest first, and goes back to live
   * bytes; if even that does not fit, it stays behind with the same entries.
   */
  catchUp(client: Client, encode: (entries: readonly Entry[]) => Uint8Array): void {
    const behind = client.behind;
    if (behind === null || behind.size === 0 || client.closed) return;
    const entries = [...behind.values()].sort((a, b) => compareIds(a.id, b.id));
    client.behind = null;
    if (client.offer(encode(entries)) === 'full') client.behind = behind;
  }
}
