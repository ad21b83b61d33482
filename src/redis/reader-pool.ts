/** The gateway's readers: one for all streams, or on Redis Cluster one per hash slot. */
import type { Config } from '../config.ts';
import type { Broadcaster } from '../hub/broadcaster.ts';
import type { Logger } from '../log.ts';
import { type RedisClient, createRedis } from './connection.ts';
import type { Entry } from './entry.ts';
import { keySlot } from './key-slot.ts';
import { type ReaderState, StreamReader } from './stream-reader.ts';

export type ReaderPool = {
  readers: readonly StreamReader[];
  connections: readonly RedisClient[];
  /** `ready` only when every reader is; otherwise the worst state. */
  state: () => ReaderState;
  start: () => void;
  stop: () => Promise<void>;
};

export type ReaderPoolDeps = {
  hub: Broadcaster;
  keyOf: (stream: string) => string;
  log: Logger;
  onEntries: (entries: readonly Entry[]) => void;
};

/**
 * Cluster refuses a multi-key XREAD across hash slots (CROSSSLOT), and a blocking read holds
 * its node connection: so streams are grouped by slot, each group with its own reader and
 * its own cluster client. Hash-tagged keys (`{sse}:chain-feed`) share one slot and one read.
 */
export function createReaderPool(config: Config, deps: ReaderPoolDeps): ReaderPool {
  const clustered = config.redisClusterNodes.length > 0;
  const groups = clustered ? bySlot(config.streams, deps.keyOf) : [config.streams];
  deps.hub.readiness.expect(groups.length);
  const connections: RedisClient[] = [];
  const readers = groups.map((streams) => {
    const redis = createRedis(config, 'reader');
    connections.push(redis);
    return new StreamReader({
      redis,
      streams,
      keyOf: deps.keyOf,
      hub: deps.hub,
      blockMs: config.readBlockMs,
      count: config.readCount,
      batchBytes: Math.floor(config.clientBufferBytes / 4),
      maxEntryBytes: config.maxEntryBytes,
      rebuildEntries: config.snapshotRebuildEntries,
      log: deps.log,
      onEntries: deps.onEntries,
      onStateChange: (state) => {
        if (state === 'ready') deps.log.info('reading from redis', { streams });
      },
    });
  });
  return {
    readers,
    connections,
    state: () => worst(readers.map((reader) => reader.state)),
    start: () => {
      for (const reader of readers) reader.start();
    },
    stop: async () => {
      await Promise.all(readers.map((reader) => reader.stop()));
    },
  };
}

function bySlot(streams: readonly string[], keyOf: (stream: string) => string): string[][] {
  const groups = new Map<number, string[]>();
  for (const stream of streams) {
    const slot = keySlot(keyOf(stream));
    groups.set(slot, [...(groups.get(slot) ?? []), stream]);
  }
  return [...groups.values()];
}

const ORDER: readonly ReaderState[] = ['stopped', 'down', 'starting', 'ready'];

function worst(states: readonly ReaderState[]): ReaderState {
  return states.reduce((a, b) => (ORDER.indexOf(a) <= ORDER.indexOf(b) ? a : b), 'ready');
}
