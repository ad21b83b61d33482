// The publisher process: XADDs entries at a fixed rate, each stamped with its seq and send time.
import { Redis } from 'ioredis';
import { nowMs, payload } from './payload.ts';
import type { PublisherCommand, PublisherReply } from './protocol.ts';

const [redisUrl = '', key = 'sse:chain-feed'] = process.argv.slice(2);
const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
const TICK_MS = 2;
// Producers may trim; an approximate cap keeps Redis memory flat over a long bench.
const TRIM = ['MAXLEN', '~', '50000'];

function send(reply: PublisherReply): void {
  process.send?.(reply);
}

function add(
  pipeline: ReturnType<Redis['pipeline']>,
  seq: number,
  bytes: number,
  instruments = 1,
): void {
  pipeline.xadd(key, ...TRIM, '*', 'json', payload(seq, nowMs(), bytes, instruments));
}

/** Sends `rate` entries per second for `durationMs`, catching up in batches when a tick is late. */
async function run(command: Extract<PublisherCommand, { type: 'run' }>): Promise<void> {
  const started = performance.now();
  let sent = 0;
  let maxBehind = 0;
  const total = Math.round((command.rate * command.durationMs) / 1000);
  while (sent < total) {
    const elapsed = performance.now() - started;
    const due = Math.min(total, Math.floor((elapsed * command.rate) / 1000));
    maxBehind = Math.max(maxBehind, due - sent - Math.ceil((command.rate * TICK_MS) / 1000));
    if (due > sent) {
      const pipeline = redis.pipeline();
      for (; sent < due; sent += 1) {
        add(pipeline, command.seqFrom + sent, command.payloadBytes, command.instruments);
      }
      await pipeline.exec();
    }
    await new Promise((resolve) => setTimeout(resolve, TICK_MS));
  }
  const elapsedMs = performance.now() - started;
  send({ type: 'ran', sent, elapsedMs, maxBehind: Math.max(0, maxBehind) });
}

process.on('message', (command: PublisherCommand) => {
  if (command.type === 'run') void run(command);
  else if (command.type === 'clear') void redis.del(key).then(() => send({ type: 'cleared' }));
  else {
    const pipeline = redis.pipeline();
    add(pipeline, command.seq, command.payloadBytes, command.instruments);
    void pipeline.exec().then(() => send({ type: 'one-done' }));
  }
});

process.on('disconnect', () => {
  redis.disconnect();
  process.exit(0);
});
