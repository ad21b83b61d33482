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
  concurrency: number;
  timeoutMs: number;
};

export type WorkerCommand =
  | ConnectCommand
  | { type: 'reset'; seqFrom: number }
  | { type: 'count' }
  | { type: 'report'; seqTo: number }
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
};

export type WorkerReply =
  | { type: 'connected'; open: number; failed: number; errors: Record<string, number> }
  | { type: 'reset-done' }
  | { type: 'counts'; counts: Counts }
  | { type: 'report'; stats: WorkerStats };

export type PublisherCommand =
  | { type: 'run'; rate: number; durationMs: number; seqFrom: number; payloadBytes: number }
  | { type: 'one'; seq: number; payloadBytes: number }
  | { type: 'clear' };

export type PublisherReply =
  | { type: 'ran'; sent: number; elapsedMs: number; maxBehind: number }
  | { type: 'one-done' }
  | { type: 'cleared' };
