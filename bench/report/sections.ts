// The per-scenario tables of RESULTS.md.
import type { SteadyResult } from '../scenarios/steady.ts';
import type { WindowResult } from '../scenarios/window.ts';
import { ms, num, table } from './format.ts';
import type { PeerResult } from './types.ts';

const STEADY_HEAD = [
  'peer',
  'clients',
  'closed by server',
  'sent/s',
  'delivered ev/s',
  'delivery %',
  'not received (sampled)',
  'dup',
  'reordered',
  'p50 ms',
  'p99 ms',
  'max ms',
  'server CPU %',
  'server RSS MB',
  'load CPU % (busiest worker)',
  'publisher CPU %',
  'redis CPU %',
  'other CPU %',
];

function loadCpu(w: WindowResult): string {
  return `${num(w.load.cpuPct)} (${num(w.loadBusiestPct)})`;
}

/** Missed by seq on the sampled connections still open at the end, of all they should get. */
function notReceived(w: WindowResult): string {
  if (w.sampledConns === 0) return '– (every sampled connection was closed)';
  return `${num(w.missed)} of ${num(w.sampledConns * w.sent)}`;
}

function steadyRow(
  peer: PeerResult,
  result: SteadyResult | undefined,
  problem: string | undefined,
) {
  if (result === undefined)
    return [peer.label, problem ?? 'not run', ...STEADY_HEAD.slice(2).map(() => '')];
  const w = result.window;
  return [
    peer.label,
    num(w.clients),
    num(w.closedDuring),
    num(w.sent / w.publishSeconds),
    num(w.eventsPerSec),
    num(w.deliveryPct, 2),
    notReceived(w),
    num(w.dups),
    num(w.reordered),
    ms(w.p50Ms),
    ms(w.p99Ms),
    ms(w.maxMs),
    num(w.server.cpuPct),
    num(w.server.rssPeakMb),
    loadCpu(w),
    num(w.publisherCpuPct),
    num(w.redisCpuPct),
    num(w.otherCpuPct),
  ];
}

export function steadySection(peers: PeerResult[], key: 'a' | 'd'): string {
  const rows = peers
    .filter((p) => p.skipped === undefined)
    .map((p) => steadyRow(p, p[key], p.problems[key]));
  return table(STEADY_HEAD, rows);
}

export function saturationSection(peers: PeerResult[]): string {
  const summary: string[][] = [];
  const steps: string[][] = [];
  for (const peer of peers.filter((p) => p.skipped === undefined)) {
    const b = peer.b;
    if (b === undefined) {
      summary.push([peer.label, peer.problems.b ?? 'not run', '']);
      continue;
    }
    const best = b.best === undefined ? 'none passed' : `${num(b.best)} msg/s`;
    summary.push([
      peer.label,
      b.unbounded ? `≥ ${best} (every rate tried passed)` : best,
      num(b.best === undefined ? undefined : b.best * b.clients),
    ]);
    for (const s of b.steps) {
      steps.push([
        peer.label,
        num(s.rate),
        num(s.clients),
        num(s.eventsPerSec),
        num(s.deliveryPct, 2),
        num(s.closedDuring),
        ms(s.p50Ms),
        ms(s.p99Ms),
        ms(s.maxMs),
        num(s.server.cpuPct),
        num(s.server.rssPeakMb),
        loadCpu(s),
        num(s.otherCpuPct),
        s.pass ? `pass${s.why === '' ? '' : ` (${s.why})`}` : `fail: ${s.why}`,
      ]);
    }
  }
  return [
    table(['peer', 'highest sustained rate', 'events/s to clients at that rate'], summary),
    '',
    table(
      [
        'peer',
        'rate msg/s',
        'clients at start',
        'delivered ev/s',
        'delivery %',
        'closed by server',
        'p50 ms',
        'p99 ms',
        'max ms',
        'server CPU %',
        'server RSS MB',
        'load CPU % (busiest worker)',
        'other CPU %',
        'verdict',
      ],
      steps,
    ),
  ].join('\n');
}

export function idleSection(peers: PeerResult[]): string {
  const rows: string[][] = [];
  for (const peer of peers.filter((p) => p.skipped === undefined)) {
    const c = peer.c;
    if (c === undefined) {
      rows.push([peer.label, peer.problems.c ?? 'not run', '', '', '', '', '', '']);
      continue;
    }
    for (const p of c.points) {
      const own = p.serverClients === undefined ? '' : ` (server: ${num(p.serverClients)})`;
      const open = `${num(p.open)}${own}`;
      const failed = p.failed > 0 ? `${num(p.failed)} ${JSON.stringify(p.errors)}` : '0';
      rows.push([
        peer.label,
        num(p.requested),
        num(c.rssIdleMb),
        open,
        failed,
        num(p.rssMb),
        num(p.perConnKb, 1),
        `${num(p.cpuPct, 1)}${p.note === '' ? '' : ` — ${p.note}`}`,
      ]);
    }
  }
  return table(
    [
      'peer',
      'clients asked',
      'RSS idle MB',
      'open after settle',
      'failed/closed',
      'RSS MB',
      'KB per connection',
      'server CPU % (note)',
    ],
    rows,
  );
}
