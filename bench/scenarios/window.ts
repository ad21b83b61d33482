// One measured window: publish at a fixed rate to connected clients, drain, and tally.
import { GatewayError } from '../../src/errors.ts';
import type { LoadPool, Pool } from '../lib/load-pool.ts';
import { MachineMeter, Meter, type MeterReading } from '../lib/proc-stats.ts';
import type { Publisher } from '../lib/publisher-client.ts';
import type { Running } from '../lib/targets.ts';
import { delay } from '../lib/wait.ts';

export type Rig<P extends Pool = LoadPool> = {
  pool: P;
  publisher: Publisher;
  server: Running;
  redisPid: number;
};

export type WindowResult = {
  clients: number;
  rate: number;
  payloadBytes: number;
  sent: number;
  publishSeconds: number;
  /** Most entries the publisher was ever behind its schedule (beyond one tick). */
  publisherBehind: number;
  delivered: number;
  expected: number;
  deliveryPct: number;
  eventsPerSec: number;
  closedDuring: number;
  sampledConns: number;
  sampledEvents: number;
  missed: number;
  dups: number;
  reordered: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  server: MeterReading;
  load: MeterReading;
  /** CPU % of the busiest load worker: near 100 means the load client may be the limit. */
  loadBusiestPct: number;
  publisherCpuPct: number;
  redisCpuPct: number;
  /** CPU used on the machine by anything but the four above (other sessions, the bench itself). */
  otherCpuPct: number;
};

/** Publishes single entries until every open connection has received one (all are attached). */
export async function warmUp(
  rig: Rig<Pool>,
  payloadBytes: number,
  timeoutMs = 15_000,
): Promise<void> {
  await rig.pool.reset(rig.publisher.nextSeq);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await rig.publisher.one(payloadBytes);
    await delay(150);
    const counts = await rig.pool.counts();
    if (counts.open > 0 && counts.withFrames >= counts.open) return;
    if (Date.now() > deadline) {
      const got = `${counts.withFrames} of ${counts.open}`;
      throw new GatewayError('internal', `warm-up: only ${got} connections got an event`);
    }
  }
}

/** Waits until a backlog of an earlier window has stopped arriving (two quiet polls), or maxMs. */
async function quiet(rig: Rig<Pool>, maxMs: number): Promise<void> {
  await drain(rig, Number.POSITIVE_INFINITY, maxMs);
}

/** Waits until no more frames arrive (two quiet polls), everything expected is in, or maxMs. */
async function drain(rig: Rig<Pool>, expected: number, maxMs: number): Promise<void> {
  const deadline = Date.now() + maxMs;
  let last = -1;
  let quiet = 0;
  while (Date.now() < deadline) {
    const { frames } = await rig.pool.counts();
    if (frames >= expected) return;
    quiet = frames === last ? quiet + 1 : 0;
    if (quiet >= 2) return;
    last = frames;
    await delay(250);
  }
}

export async function measureWindow(
  rig: Rig<Pool>,
  load: { rate: number; windowMs: number; payloadBytes: number },
  drainMaxMs: number,
): Promise<WindowResult> {
  await quiet(rig, 10_000);
  await rig.pool.reset(rig.publisher.nextSeq);
  const { open } = await rig.pool.counts();
  const meters = {
    server: new Meter(() => rig.server.pids()),
    load: new Meter(() => rig.pool.pids()),
    publisher: new Meter(() => [rig.publisher.pid]),
    redis: new Meter(() => [rig.redisPid]),
  };
  const workers = rig.pool.pids().map((pid) => new Meter(() => [pid]));
  for (const meter of workers) meter.start();
  const machine = new MachineMeter();
  machine.start();
  for (const meter of Object.values(meters)) meter.start();
  const run = await rig.publisher.run(load.rate, load.windowMs, load.payloadBytes);
  const expected = open * run.sent;
  await drain(rig, expected, drainMaxMs);
  const server = meters.server.stop();
  const loadReading = meters.load.stop();
  const loadBusiestPct = Math.max(0, ...workers.map((meter) => meter.stop().cpuPct));
  const publisherCpuPct = meters.publisher.stop().cpuPct;
  const redisCpuPct = meters.redis.stop().cpuPct;
  const machineCpuPct = machine.stop();
  const stats = await rig.pool.report(run.seqFrom + run.sent);
  const seconds = run.elapsedMs / 1000;
  return {
    clients: open,
    rate: load.rate,
    payloadBytes: load.payloadBytes,
    sent: run.sent,
    publishSeconds: seconds,
    publisherBehind: run.maxBehind,
    delivered: stats.frames,
    expected,
    deliveryPct: expected > 0 ? (100 * stats.frames) / expected : 0,
    eventsPerSec: stats.frames / seconds,
    closedDuring: stats.closed,
    sampledConns: stats.sampledOpen,
    sampledEvents: stats.received,
    missed: stats.missed,
    dups: stats.dups,
    reordered: stats.reordered,
    p50Ms: stats.latency.percentile(0.5),
    p99Ms: stats.latency.percentile(0.99),
    maxMs: stats.latency.maxMs,
    server,
    load: loadReading,
    loadBusiestPct,
    publisherCpuPct,
    redisCpuPct,
    otherCpuPct: Math.max(
      0,
      machineCpuPct - server.cpuPct - loadReading.cpuPct - publisherCpuPct - redisCpuPct,
    ),
  };
}
