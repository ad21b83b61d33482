// The demo page in headless Chromium: rows update, and a gateway restart loses no update.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { exited, freePort, stopChild, waitFor } from '../../src/demo/child-process.ts';
import { type GatewayProcess, REPO_ROOT, startGateway } from '../../src/demo/gateway-process.ts';
import { createMarket } from '../../src/demo/option-model.ts';
import { createPublisher, type Publisher } from '../../src/demo/publisher.ts';
import { createRandom } from '../../src/demo/random.ts';
import { realNode } from '../helpers/gateway-process.ts';
import { type RedisServer, startRedisServer } from '../../src/demo/redis-server.ts';

/** Debian's Chromium; CHROMIUM_PATH points elsewhere (or at nothing, to see the skip). */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** One JSON line from drive-demo.mjs. */
type Report = {
  phase: string;
  at: number;
  bun?: string | null;
  state?: string;
  rows?: number;
  cellBefore?: string | null;
  cellAfter?: string | null;
  totals?: Record<string, number>;
  lastSeq?: Record<string, number>;
  log?: string[];
  errors?: string[];
  endpoint?: string;
  message?: string;
  tables?: string[];
};
const SCREENSHOT = join(REPO_ROOT, 'test-artifacts', 'demo-page.png');

const node = (() => {
  try {
    return realNode();
  } catch {
    return undefined;
  }
})();
const skipReason = !existsSync(CHROMIUM)
  ? `${CHROMIUM} is missing (apt-get install chromium, or set CHROMIUM_PATH)`
  : node === undefined
    ? 'no Node.js on PATH to drive the browser'
    : undefined;
if (skipReason) console.log(`skipping the browser test: ${skipReason}`);

let redis: RedisServer;
let publisher: Publisher;
let gateway: GatewayProcess;
let port: number;
const gatewayEnv = (): Record<string, string> => ({
  REDIS_URL: redis.url,
  STREAM_PREFIX: 'demo:',
  STREAMS: 'chain-feed,timeseries',
  RETRY_MS: '500',
  HEARTBEAT_MS: '2000',
  SHUTDOWN_TIMEOUT_MS: '2000',
  LOG_LEVEL: 'warn',
});

describe.skipIf(skipReason !== undefined)('demo page in chromium', () => {
  beforeAll(async () => {
    redis = await startRedisServer();
    publisher = createPublisher({
      redisUrl: redis.url,
      prefix: 'demo:',
      ratePerSecond: 200,
      market: createMarket({ random: createRandom(42) }),
    });
    await publisher.connect();
    publisher.start();
    port = await freePort();
    gateway = await startGateway({ port, env: gatewayEnv() });
  });

  afterAll(async () => {
    await publisher?.stop();
    await gateway?.stop();
    await redis?.stop();
  });

  test('updates rows live, resumes after restarts losing nothing, filters by symbol', async () => {
    mkdirSync(join(REPO_ROOT, 'test-artifacts'), { recursive: true });
    const driver = spawn(
      node!,
      [join(import.meta.dir, 'drive-demo.mjs'), `${gateway.url}/`, SCREENSHOT, CHROMIUM],
      { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'inherit'] },
    );
    const lines = createInterface({ input: driver.stdout! })[Symbol.asyncIterator]();
    const reports: Report[] = [];
    const next = async (): Promise<Report> => {
      const line = await lines.next();
      if (line.done) throw new Error('the browser driver exited early; see its output above');
      const report = JSON.parse(line.value) as Report;
      reports.push(report);
      return report;
    };
    try {
      expect(await next()).toMatchObject({ phase: 'started', bun: null });
      const loaded = await next();
      expect(loaded).toMatchObject({ phase: 'loaded', state: 'open' });
      expect(loaded.rows).toBeGreaterThan(5);
      expect(loaded.cellAfter).not.toBe(loaded.cellBefore);

      // First a deploy (SIGTERM: a `shutdown` event, then the stream ends), then a crash
      // (SIGKILL: the socket just drops). The publisher keeps writing while no gateway runs.
      for (const [n, signal] of [
        [1, 'SIGTERM'],
        [2, 'SIGKILL'],
      ] as const) {
        const written = publisher.counts.chain;
        await gateway.stop(5000, signal);
        await waitFor(
          'entries written while the gateway is down',
          () => publisher.counts.chain > written + 50,
          5000,
          10,
        );
        gateway = await startGateway({ port, env: gatewayEnv() });
        driver.stdin!.write('restarted\n');
        const resumed = await next();
        expect(resumed.phase).toBe(`resumed-${n}`);
        expect(resumed.totals).toMatchObject({ missed: 0, repeated: 0, gaps: 0, reconnects: n });
      }
      driver.stdin!.write('finish\n');

      const picked = await next();
      expect(picked.phase).toBe('picked');
      expect(picked.endpoint).toContain('symbols=SPX');
      expect(picked.endpoint).not.toContain('QQQ');
      expect(picked.tables).toEqual(['SPX']);
      expect(Object.keys(picked.lastSeq ?? {}).sort()).toEqual(['chain:SPX', 'timeseries:SPX']);

      const done = await next();
      expect(done.phase).toBe('done');
      expect(done.errors).toEqual([]);
      expect(done.totals).toMatchObject({ missed: 0, repeated: 0, gaps: 0 });
      expect(done.log?.some((line) => line.includes('resumed'))).toBe(true);
      expect(statSync(SCREENSHOT).size).toBeGreaterThan(10_000);
      expect(await exited(driver)).toBe(0);
    } finally {
      if (driver.exitCode === null) await stopChild(driver);
      const summary = reports.map(({ phase, at, totals, message }) => ({
        phase,
        at,
        totals,
        message,
      }));
      console.log(`browser driver reported: ${JSON.stringify(summary)}`);
    }
  }, 120_000);
});
