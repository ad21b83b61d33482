// `npm run bench`: Redis, a publisher, every peer through scenarios (a)-(e), then RESULTS.md.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { installExitHandlers, killAll } from './lib/children.ts';
import { loadSettings, type ScenarioName, type Settings } from './lib/config.ts';
import { Publisher } from './lib/publisher-client.ts';
import { startRedis } from './lib/redis-server.ts';
import { TARGETS, type TargetSpec } from './lib/targets.ts';
import { consoleTable } from './report/console-table.ts';
import { formatFiles } from './report/format-files.ts';
import { describeMachine } from './report/machine.ts';
import { resultsMarkdown } from './report/results-md.ts';
import type { PeerResult, Run } from './report/types.ts';
import { features } from './scenarios/features.ts';
import { idle } from './scenarios/idle.ts';
import type { Bench } from './scenarios/rig.ts';
import { saturation } from './scenarios/saturation.ts';
import { steady } from './scenarios/steady.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const started = Date.now();

const EXEC_ORDER: ScenarioName[] = ['a', 'c', 'd', 'e', 'b'];
/** Peers that have the market-data features scenario (e) measures. */
const FEATURE_PEERS = ['bun', 'node'];

/** Rough time a scenario needs, so one that cannot finish is skipped rather than cut. */
function needMs(s: Settings, scenario: ScenarioName): number {
  if (scenario === 'a') return s.steady.windowMs + s.overheadMs;
  if (scenario === 'b') return 2 * (s.saturation.windowMs + s.drainMaxMs) + s.overheadMs;
  if (scenario === 'c') return (s.idle.settleMs + s.overheadMs) * s.idle.counts.length;
  if (scenario === 'e') return 2 * (s.features.windowMs + s.overheadMs);
  return s.large.windowMs + s.overheadMs;
}

type Shared = Omit<Bench, 'spec' | 'note' | 'progress'>;

async function runPeer(spec: TargetSpec, bench: Shared, peer: PeerResult) {
  const full: Bench = {
    ...bench,
    spec,
    note: (line) => {
      peer.notes.push(line.trim());
      console.log(`[bench] ${spec.name}: ${line}`);
    },
    progress: (line) => console.log(`[bench] ${spec.name}: ${line}`),
  };
  // (b) runs last: it is the one that adapts to whatever time is left.
  const order = [...bench.settings.scenarios].sort(
    (x, y) => EXEC_ORDER.indexOf(x) - EXEC_ORDER.indexOf(y),
  );
  for (const scenario of order) {
    if (scenario === 'e' && !FEATURE_PEERS.includes(spec.name)) {
      peer.problems.e = 'skipped: has no snapshot, maxRate or where to measure';
      continue;
    }
    if (bench.remainingMs() < needMs(bench.settings, scenario)) {
      peer.problems[scenario] = "skipped: out of this peer's share of the time budget";
      continue;
    }
    console.log(`[bench] ${spec.name}: scenario (${scenario})`);
    try {
      if (scenario === 'a') peer.a = await steady(full, bench.settings.steady);
      if (scenario === 'b') peer.b = await saturation(full);
      if (scenario === 'c') peer.c = await idle(full);
      if (scenario === 'd') peer.d = await steady(full, bench.settings.large);
      if (scenario === 'e') peer.e = await features(full);
    } catch (error) {
      peer.problems[scenario] = error instanceof Error ? error.message : String(error);
      console.log(`[bench] ${spec.name}: (${scenario}) failed: ${peer.problems[scenario]}`);
    }
  }
}

async function main(): Promise<void> {
  installExitHandlers();
  const settings = loadSettings();
  const workDir = join(
    root,
    'bench/.work',
    `run-${new Date().toISOString().replace(/[:.]/g, '-')}`,
  );
  mkdirSync(workDir, { recursive: true });
  // A hard stop in case anything hangs past every per-step deadline.
  setTimeout(() => {
    console.error('[bench] over the time budget: killing children and stopping');
    killAll();
    process.exit(3);
  }, settings.budgetMs + 90_000).unref();
  const machine = describeMachine(root);
  const peers: PeerResult[] = TARGETS.filter((t) => settings.targets.includes(t.name)).map((t) => {
    const skipped = t.missing(root);
    if (skipped !== undefined) console.log(`[bench] ${t.name}: skipped — ${skipped}`);
    return {
      name: t.name,
      label: t.label,
      problems: {},
      notes: [],
      ...(skipped ? { skipped } : {}),
    };
  });
  const redis = await startRedis(workDir);
  const publisher = new Publisher(redis.url, 'sse:chain-feed');
  try {
    const runnable = peers.filter((p) => p.skipped === undefined);
    for (const [i, peer] of runnable.entries()) {
      const spec = TARGETS.find((t) => t.name === peer.name) as TargetSpec;
      // Each peer gets an equal share of what is left, so a slow one cannot starve the rest.
      const left = started + settings.budgetMs - Date.now();
      const peerEnd = Date.now() + left / (runnable.length - i);
      const start = { root, workDir, redisUrl: redis.url, maxClients: 60_000 };
      const remainingMs = () => peerEnd - Date.now();
      await runPeer(spec, { start, publisher, redisPid: redis.pid, settings, remainingMs }, peer);
    }
  } finally {
    await publisher.stop();
    await redis.stop();
  }
  const run: Run = {
    settings,
    machine,
    startedAt: new Date(started),
    peers,
    seconds: (Date.now() - started) / 1000,
  };
  const out = join(root, settings.out);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, resultsMarkdown(run));
  writeFileSync(join(workDir, 'results.json'), JSON.stringify(run, null, 2));
  formatFiles(root, [out, join(workDir, 'results.json')]);
  console.log(
    `\n${consoleTable(run)}\n\nServer and load share ${machine.nproc} cores. ` +
      `Full figures: ${settings.out}; logs: ${workDir}`,
  );
}

main().catch((error: unknown) => {
  console.error('[bench] failed:', error instanceof Error ? error.message : error);
  killAll();
  process.exit(1);
});
