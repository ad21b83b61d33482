// Scenario (c): idle connections; the server's RSS per connection at growing client counts.
import { LoadPool } from '../lib/load-pool.ts';
import { fdLimit, Meter, usageOf } from '../lib/proc-stats.ts';
import { delay } from '../lib/wait.ts';
import { type Bench, withServer } from './rig.ts';

export type IdlePoint = {
  requested: number;
  /** Connections actually asked for: `requested`, or the most the fd limit allows. */
  attempted: number;
  open: number;
  failed: number;
  errors: Record<string, number>;
  /** The server's own /health count, where it has one. */
  serverClients: number | undefined;
  rssMb: number;
  perConnKb: number;
  cpuPct: number;
  note: string;
};
export type IdleResult = { rssIdleMb: number; fdLimit: number; points: IdlePoint[] };

export function idle(bench: Bench): Promise<IdleResult> {
  const { counts, settleMs } = bench.settings.idle;
  const limit = fdLimit();
  // The server needs its own few dozen fds (Redis, epoll, logs) beside one per client.
  const cap = limit - 256;
  return withServer(bench, async (server) => {
    await delay(1000);
    const rssIdleKb = usageOf(server.pids()).rssKb;
    const pool = LoadPool.create(Math.min(cap, Math.max(...counts)), 2);
    const points: IdlePoint[] = [];
    const target = { host: '127.0.0.1', port: server.port, path: server.path, event: server.event };
    let current = 0;
    try {
      for (const requested of counts) {
        const attempted = Math.min(requested, cap);
        if (attempted <= current) continue;
        if (bench.remainingMs() < settleMs + bench.settings.overheadMs) {
          bench.note(
            `(c) ${requested} clients skipped: out of this peer's share of the time budget`,
          );
          continue;
        }
        const connect = await pool.connect(target, attempted - current, 0);
        current = attempted;
        const meter = new Meter(() => server.pids());
        meter.start();
        await delay(settleMs);
        const cpu = meter.stop().cpuPct;
        const counted = await pool.counts();
        const rssKb = usageOf(server.pids()).rssKb;
        const note =
          attempted < requested
            ? `fd limit ${limit}: ${requested} cannot be held by one server process here`
            : '';
        points.push({
          requested,
          attempted,
          open: counted.open,
          failed: attempted - counted.open,
          errors: connect.errors,
          serverClients: await server.clients(),
          rssMb: rssKb / 1024,
          perConnKb: counted.open > 0 ? (rssKb - rssIdleKb) / counted.open : 0,
          cpuPct: cpu,
          note,
        });
        bench.progress(`  ${counted.open} idle open: RSS ${(rssKb / 1024).toFixed(0)} MB`);
      }
    } finally {
      await pool.close();
    }
    return { rssIdleMb: rssIdleKb / 1024, fdLimit: limit, points };
  });
}
