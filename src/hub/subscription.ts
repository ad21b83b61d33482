/** What one client asked for; clients asking for the same thing share encoded batches. */
import type { Entry } from '../redis/entry.ts';

export type Subscription = Readonly<{
  /** Stream names, sorted. */
  streams: readonly string[];
  /** The sorted stream names joined: subscriptions with equal ones share cursors. */
  streamsKey: string;
  /** Upper-cased symbols, or null for every entry (with or without a symbol). */
  symbols: ReadonlySet<string> | null;
  /** Identity of the subscription: equal keys receive identical bytes. */
  key: string;
}>;

export function createSubscription(
  streams: readonly string[],
  symbols: readonly string[] | null,
): Subscription {
  const sortedStreams = [...new Set(streams)].sort();
  const sortedSymbols = symbols === null ? null : [...new Set(symbols)].sort();
  const streamsKey = sortedStreams.join(',');
  const key = `${streamsKey}|${sortedSymbols?.join(',') ?? '*'}`;
  return {
    streams: sortedStreams,
    streamsKey,
    symbols: sortedSymbols === null ? null : new Set(sortedSymbols),
    key,
  };
}

/** Whether a forwardable entry goes to this subscription. */
export function matches(subscription: Subscription, entry: Entry): boolean {
  if (entry.payload === undefined) return false;
  if (subscription.symbols === null) return true;
  return entry.symbol !== undefined && subscription.symbols.has(entry.symbol);
}
