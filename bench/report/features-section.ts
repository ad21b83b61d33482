// RESULTS.md's section (e): per phase and client kind, and the checks of each feature.
import type { FeaturesResult, KindResult, Phase } from '../scenarios/features.ts';
import { ms, num, ratio, table } from './format.ts';
import type { PeerResult } from './types.ts';

const PHASE_HEAD = [
  'peer',
  'phase',
  'client kind (query)',
  'clients',
  'closed by server',
  'ev/s per client (expected)',
  'delivered ev/s',
  'p50 ms',
  'p99 ms',
  'server CPU %',
  'server RSS MB',
  'load CPU % (busiest worker)',
  'other CPU %',
];

function kindRow(peer: PeerResult, phase: Phase, k: KindResult, first: boolean): string[] {
  const w = phase.window;
  const control = phase.name === 'control';
  const latency = k.kind === 'plain' || k.kind === 'snapshot';
  return [
    first && control ? peer.label : '',
    first ? phase.name : '',
    `${k.kind}${k.query === '' ? '' : ` (\`${k.query}\`)`}`,
    num(k.clients),
    num(k.closed),
    `${num(k.perClientPerSec, 1)} (${num(k.expectedPerSec, 1)})`,
    num(k.perClientPerSec * k.clients),
    // Filtered and rate-limited clients skip entries by design: their seq latency says little.
    latency ? ms(k.p50Ms) : '',
    latency ? ms(k.p99Ms) : '',
    first ? num(w.server.cpuPct) : '',
    first ? num(w.server.rssPeakMb) : '',
    first ? `${num(w.load.cpuPct)} (${num(w.loadBusiestPct)})` : '',
    first ? num(w.otherCpuPct) : '',
  ];
}

/** Mixed clients get fewer events than plain ones: CPU per volume compares the phases fairly. */
function cpuPer10k(phase: Phase | undefined): number | undefined {
  if (phase === undefined || !(phase.window.eventsPerSec > 0)) return undefined;
  return (phase.window.server.cpuPct * 10_000) / phase.window.eventsPerSec;
}

function checks(peer: PeerResult, e: FeaturesResult): string[] {
  const mixed = e.phases.find((p) => p.name === 'mixed');
  const control = e.phases.find((p) => p.name === 'control');
  const kind = (name: string) => mixed?.kinds.find((k) => k.kind === name);
  const plainNow = kind('plain');
  const plainBefore = control?.kinds[0];
  const keys = kind('maxRate')?.keys;
  return [
    peer.label,
    ratio(mixed?.window.server.cpuPct, control?.window.server.cpuPct),
    `${num(cpuPer10k(control), 1)} → ${num(cpuPer10k(mixed), 1)}`,
    `${ms(plainBefore?.p99Ms)} → ${ms(plainNow?.p99Ms)}`,
    `${num(kind('snapshot')?.snapshotFrames, 1)} (of ${e.instruments})`,
    keys === undefined ? '–' : `${num(keys.meanPerSec, 2)} / ${num(keys.maxIn1s)}`,
    keys === undefined ? '–' : `${num(keys.lastMatches)} of ${num(keys.lastChecked)}`,
    `${num(kind('where')?.perClientPerSec, 1)} (${num(kind('where')?.expectedPerSec, 1)})`,
  ];
}

export function featuresSection(peers: PeerResult[]): string {
  const rows: string[][] = [];
  const checked: string[][] = [];
  for (const peer of peers.filter((p) => p.skipped === undefined)) {
    if (peer.e === undefined) {
      rows.push([peer.label, peer.problems.e ?? 'not run', ...PHASE_HEAD.slice(2).map(() => '')]);
      continue;
    }
    for (const phase of peer.e.phases) {
      phase.kinds.forEach((k, i) => rows.push(kindRow(peer, phase, k, i === 0)));
    }
    checked.push(checks(peer, peer.e));
  }
  const checkHead = [
    'peer',
    'server CPU mixed ÷ control',
    'server CPU % per 10k delivered ev/s, control → mixed',
    'plain p99 ms control → mixed',
    'snapshot frames before live',
    'maxRate: mean updates/s per instrument / most in any 1 s',
    'maxRate: instruments ending on the newest entry',
    'where: ev/s per client (expected)',
  ];
  return [table(PHASE_HEAD, rows), '', table(checkHead, checked)].join('\n');
}
