// A load worker process: holds many SSE connections and reports counts to the bench on request.
import { SseConnection } from './connection.ts';
import { Histogram } from './histogram.ts';
import { KeyTracker, keyStats } from './key-tracker.ts';
import type {
  ConnectCommand,
  Counts,
  WorkerCommand,
  WorkerReply,
  WorkerStats,
} from './protocol.ts';

const connections: SseConnection[] = [];
const latency = new Histogram();
let closedSinceReset = 0;
let framesAtReset: number[] = [];
let instruments = 0;
let seqFrom = 0;

function send(reply: WorkerReply): void {
  process.send?.(reply);
}

async function openAll(command: ConnectCommand): Promise<void> {
  const errors: Record<string, number> = {};
  let failed = 0;
  let next = 0;
  // Every `sampleEvery`-th connection is parsed fully, spread evenly over the whole set.
  const sampleEvery =
    command.sampled > 0 ? Math.max(1, Math.floor(command.count / command.sampled)) : 0;
  const one = async (): Promise<void> => {
    while (next < command.count) {
      const index = next;
      next += 1;
      const address = command.addresses[index % command.addresses.length] ?? '127.0.0.2';
      const sampled = sampleEvery > 0 && index % sampleEvery === 0;
      const keys =
        sampled && command.instruments !== undefined
          ? new KeyTracker(command.instruments)
          : undefined;
      const connection = new SseConnection(
        command.target,
        address,
        sampled ? latency : undefined,
        keys,
      );
      try {
        await connection.connect(command.timeoutMs, () => (closedSinceReset += 1));
        connections.push(connection);
      } catch (error) {
        failed += 1;
        const reason = error instanceof Error ? error.message : 'unknown';
        errors[reason] = (errors[reason] ?? 0) + 1;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(command.concurrency, command.count) }, one));
  send({ type: 'connected', open: connections.length, failed, errors });
}

function counts(): Counts {
  let open = 0;
  let frames = 0;
  let withFrames = 0;
  connections.forEach((connection, i) => {
    const delta = connection.counter.count - (framesAtReset[i] ?? 0);
    frames += delta;
    if (connection.open) open += 1;
    if (connection.open && delta > 0) withFrames += 1;
  });
  return { open, frames, withFrames, closed: closedSinceReset };
}

function report(seqTo: number, windowMs: number | undefined): WorkerStats {
  const stats: WorkerStats = {
    ...counts(),
    bytes: connections.reduce((sum, c) => sum + c.counter.bytes, 0),
    sampledOpen: 0,
    received: 0,
    missed: 0,
    dups: 0,
    reordered: 0,
    latency: latency.toData(),
  };
  for (const connection of connections) {
    if (connection.tracker === undefined || !connection.open) continue;
    const summary = connection.tracker.summary(seqTo);
    stats.sampledOpen += 1;
    stats.received += summary.received;
    stats.missed += summary.missed;
    stats.dups += summary.dups;
    stats.reordered += summary.reordered;
  }
  if (instruments > 0 && windowMs !== undefined) {
    const open = connections.filter((c) => c.open && c.keys !== undefined);
    const tallies = open.flatMap((c) => (c.keys ? [c.keys.tally(seqFrom, seqTo, windowMs)] : []));
    stats.keys = keyStats(tallies, open.length * Math.min(instruments, seqTo - seqFrom));
  }
  return stats;
}

process.on('message', (command: WorkerCommand) => {
  if (command.type === 'connect') {
    instruments = command.instruments ?? instruments;
    void openAll(command);
  } else if (command.type === 'reset') {
    framesAtReset = connections.map((c) => c.counter.count);
    closedSinceReset = 0;
    seqFrom = command.seqFrom;
    latency.reset();
    for (const connection of connections) {
      connection.tracker?.reset(command.seqFrom);
      connection.keys?.reset();
    }
    send({ type: 'reset-done' });
  } else if (command.type === 'count') send({ type: 'counts', counts: counts() });
  else if (command.type === 'report')
    send({ type: 'report', stats: report(command.seqTo, command.windowMs) });
  else {
    for (const connection of connections) connection.close();
    process.exit(0);
  }
});

// The bench going away, however it went, ends this worker and its sockets.
process.on('disconnect', () => process.exit(0));
