/** A group: the clients of one subscription, and the batch being encoded for them. */
import type { Entry } from '../redis/entry.ts';
import type { Client } from './client.ts';
import { RateGate } from './rate-gate.ts';
import type { Subscription } from './subscription.ts';

export type Group = {
  subscription: Subscription;
  clients: Set<Client>;
  /** Frames of the batch being published, flushed once per batch. */
  pending: string;
  /** How many entry events `pending` holds. */
  pendingEvents: number;
  /** The batch's entries, kept only when slow clients are conflated. */
  entries: Entry[];
  /** Holds back entries past `maxRate`, or null for subscriptions without one. */
  gate: RateGate | null;
};

export function createGroup(subscription: Subscription, keyOf: (entry: Entry) => string): Group {
  const { maxRate } = subscription;
  return {
    subscription,
    clients: new Set(),
    pending: '',
    pendingEvents: 0,
    entries: [],
    gate: maxRate === null ? null : new RateGate(maxRate, keyOf),
  };
}
