/** What one client asked for; clients asking for the same thing share encoded batches. */
import type { Entry } from '../redis/entry.ts';

/** One `where` condition: the payload's top-level `field` equals one of `values`. */
export type FieldCondition = Readonly<{ field: string; values: ReadonlySet<string> }>;

export type SubscriptionSpec = {
  streams: readonly string[];
  /** Upper-cased symbols, or null for every entry. */
  symbols: readonly string[] | null;
  where?: readonly FieldCondition[] | null;
  /** At most this many updates per second per instrument key; null for every entry. */
  maxRate?: number | null;
};

export type Subscription = Readonly<{
  /** Stream names, sorted. */
  streams: readonly string[];
  /** The sorted stream names joined: subscriptions with equal ones share cursors. */
  streamsKey: string;
  /** Upper-cased symbols, or null for every entry (with or without a symbol). */
  symbols: ReadonlySet<string> | null;
  where: readonly FieldCondition[] | null;
  maxRate: number | null;
  /** Identity of the subscription: equal keys receive identical bytes. */
  key: string;
}>;

export function createSubscription(spec: SubscriptionSpec): Subscription {
  const streams = [...new Set(spec.streams)].sort();
  const symbols = spec.symbols === null ? null : [...new Set(spec.symbols)].sort();
  const where = spec.where && spec.where.length > 0 ? spec.where : null;
  const maxRate = spec.maxRate ?? null;
  const streamsKey = streams.join(',');
  const whereKey = where?.map((c) => `${c.field}:${[...c.values].sort().join('|')}`).join(',');
  const key = [streamsKey, symbols?.join(',') ?? '*', whereKey ?? '*', maxRate ?? '*'].join('|');
  return {
    streams,
    streamsKey,
    symbols: symbols === null ? null : new Set(symbols),
    where,
    maxRate,
    key,
  };
}

/** Whether a forwardable entry goes to this subscription. */
export function matches(subscription: Subscription, entry: Entry): boolean {
  if (entry.payload === undefined) return false;
  const { symbols, where } = subscription;
  if (symbols !== null && (entry.symbol === undefined || !symbols.has(entry.symbol))) return false;
  if (where === null) return true;
  const value = entry.value;
  if (typeof value !== 'object' || value === null) return false;
  for (const condition of where) {
    const field = (value as Record<string, unknown>)[condition.field];
    if (field === undefined || field === null || typeof field === 'object') return false;
    if (!condition.values.has(String(field))) return false;
  }
  return true;
}
