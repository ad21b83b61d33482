// Messages between the bench and its load workers and publisher, over Node's IPC channel.
import type { HistogramData } from './histogram.ts';
import type { Target } from './connection.ts';

export type ConnectCommand = {
  type: 'connect';
  target: Target;
  count: number;
  addresses: string[];
  /** How many of this worker's connections get the full parse (latency, order). */
  sampled: number;
  /** Set in scenario (e): sampled connections also tally updates per instrument. */
  instruments?: number;
  concurrency: number;
  timeoutMs: number;
};

export type WorkerCommand =
  | ConnectCommand
  | { type: 'reset'; seqFrom: number }
  | { type: 'count' }
  | { type: 'report'; seqTo: number; windowMs?: number }
  | { type: 'close' };

export type Counts = { open: number; frames: number; withFrames: number; closed: number };

export type WorkerStats = Counts & {
  bytes: number;
  sampledOpen: number;
  received: number;
  missed: number;
  dups: number;
  reordered: number;
  latency: HistogramData;
  /** Per-instrument tally of the sampled connections, in scenario (e). */
  keys?: KeyStats;
};

export type KeyStats = {
  /** Sampled connections × instruments that got at least one update in the window. */
  keysSeen: number;
  /** Updates per second per instrument, averaged over those. */
  meanPerSec: number;
  /** Most updates of one instrument on one connection within any 1,000 ms. */
  maxIn1s: number;
  /** Of the connection × instrument pairs, how many ended on the newest published entry. */
  lastMatches: number;
  lastChecked: number;
};

export type WorkerReply =
  | { type: 'connected'; open: number; failed: number; errors: Record<string, number> }
  | { type: 'reset-done' }
  | { type: 'counts'; counts: Counts }
  | { type: 'report'; stats: WorkerStats };

export type PublisherCommand =
  | {
      type: 'run';
      rate: number;
      durationMs: number;
      seqFrom: number;
      payloadBytes: number;
      instruments: number;
    }
  | { type: 'one'; seq: number; payloadBytes: number; instruments: number }
  | { type: 'clear' };

export type PublisherReply =
  | { type: 'ran'; sent: number; elapsedMs: number; maxBehind: number }
  | { type: 'one-done' }
  | { type: 'cleared' };
