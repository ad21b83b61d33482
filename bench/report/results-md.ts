// Writes RESULTS.md: machine, peers, every figure per scenario, and ratios against the baseline.
import type { Load } from '../lib/config.ts';
import { EXPIRIES } from '../load/payload.ts';
import { num, ratio, table } from './format.ts';
import { featuresSection } from './features-section.ts';
import { idleSection, saturationSection, steadySection } from './sections.ts';
import type { PeerResult, Run } from './types.ts';

function lastPoint(peer: PeerResult | undefined) {
  return peer?.c?.points.at(-1);
}

function ratios(peers: PeerResult[]): string {
  const base = peers.find((p) => p.name === 'baseline' && p.skipped === undefined);
  const others = peers.filter((p) => p.name !== 'baseline' && p.skipped === undefined);
  if (base === undefined || others.length === 0) return '_No baseline or no other peer ran._';
  const rows = others.map((p) => [
    p.label,
    ratio(p.a?.window.server.cpuPct, base.a?.window.server.cpuPct),
    ratio(p.a?.window.p99Ms, base.a?.window.p99Ms),
    ratio(p.b?.best, base.b?.best),
    ratio(lastPoint(p)?.perConnKb, lastPoint(base)?.perConnKb),
    ratio(p.d?.window.eventsPerSec, base.d?.window.eventsPerSec),
    ratio(p.d?.window.p99Ms, base.d?.window.p99Ms),
  ]);
  return table(
    [
      'peer',
      '(a) server CPU',
      '(a) p99',
      '(b) highest rate',
      '(c) KB/conn (largest)',
      '(d) delivered ev/s',
      '(d) p99',
    ],
    rows,
  );
}

const QUICK = '**Quick smoke run (BENCH_QUICK=1): small numbers, not for comparison.**';

/** How much CPU other work took during the measured windows: the trust one can put in them. */
function interference(run: Run): string {
  const windows = run.peers.flatMap((p) => [
    ...(p.a ? [p.a.window] : []),
    ...(p.d ? [p.d.window] : []),
    ...(p.e?.phases.map((phase) => phase.window) ?? []),
    ...(p.b?.steps ?? []),
  ]);
  if (windows.length === 0) return 'No measured window ran.';
  const other = windows.map((w) => w.otherCpuPct);
  const mean = other.reduce((a, b) => a + b, 0) / other.length;
  const verdict =
    mean > 20
      ? '**Figures were taken under interference**: other processes (on a shared machine, other ' +
        'sessions) took that CPU from the peers; rerun on a quiet machine before quoting them.'
      : 'The machine was otherwise quiet.';
  return (
    `Other CPU use during the windows (not server, load, publisher or Redis): mean ` +
    `${mean.toFixed(0)} %, max ${Math.max(...other).toFixed(0)} % of one core. ${verdict}`
  );
}

function loadTitle(load: Load): string {
  return `${load.clients} clients × ${load.rate} msg/s for ${load.windowMs / 1000} s`;
}

/** Section (e); a results.json from before (e) existed has no features settings. */
function featuresText(run: Run): string {
  const f = run.settings.features;
  const [first] = EXPIRIES;
  return `## (e) Market-data features at ${num(f.clients)} clients

Two phases at ${f.rate} msg/s for ${f.windowMs / 1000} s each, on one server, entries rotating
over ${f.instruments} instruments (SPX/QQQ × 2 expiries × C/P × 2 strikes): **control**, all
clients on \`/sse/chain-feed\`; **mixed**, a quarter each plain, \`?snapshot=1\`,
\`?maxRate=${f.maxRate}\` and \`?where=expiry:${first}\`. A feature costs nothing to the
clients that do not use it when the plain clients' p99 and the server CPU do not grow from
control to mixed. Snapshot frames are counted on connecting, before anything live is published;
maxRate is checked on ${f.sampledPerKind} sampled clients (≤ ${f.maxRate} updates per instrument
in any 1 s, and the last update of each instrument is the newest published). Baseline and nchan
have no such features.

${featuresSection(run.peers)}

`;
}

export function resultsMarkdown(run: Run): string {
  const { machine: m, settings: s } = run;
  const versions = Object.entries(m.versions)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  const peers = run.peers.map(
    (p) => `- ${p.label}: ${p.skipped === undefined ? 'ran' : `skipped — ${p.skipped}`}`,
  );
  const problems = run.peers.flatMap((p) =>
    Object.entries(p.problems).map(([k, v]) => `- ${p.label}, (${k}): ${v}`),
  );
  const notes = run.peers.flatMap((p) => p.notes.map((n) => `- ${p.label}: ${n}`));
  const idleLimit = run.peers.find((p) => p.c !== undefined)?.c?.fdLimit;
  return `# sse-gateway benchmark results

${s.quick ? `${QUICK}\n\n` : ''}Measured
${run.startedAt.toISOString()} by \`npm run bench\`${s.quick ? ' with BENCH_QUICK=1' : ''} in
${Math.round(run.seconds)} s. How to read these figures: bench/README.md.

## Machine

- ${m.cpuModel}, ${m.nproc} cores (\`nproc\`), ${m.memoryGb.toFixed(1)} GiB memory,
  Linux ${m.kernel}
- **Server, load clients, publisher and Redis all share these ${m.nproc} cores**: every figure is
  what one server gets while the load generator competes with it for CPU. Compare peers with
  each other, not with numbers from a bigger machine.
- ${interference(run)}
- Open-file limit for the server and clients: ${idleLimit ?? 'see (c)'} (the bench raises the soft
  limit to the hard limit; a server process cannot hold more connections than that).
- Versions: ${versions}

## Peers

${peers.join('\n')}

## (a) ${loadTitle(s.steady)}

${steadySection(run.peers, 'a')}

## (b) Saturation at ${s.saturation.clients} clients

A rate passes when ≥ ${s.saturation.minDeliveryPct} % of the events reach the clients within the
window plus drain and p99 latency stays ≤ ${s.saturation.maxP99Ms} ms;
${s.saturation.windowMs / 1000} s per step.

${saturationSection(run.peers)}

## (c) Idle connections

${idleSection(run.peers)}

## (d) ${loadTitle(s.large)} of ${s.large.payloadBytes}-byte payloads

${steadySection(run.peers, 'd')}

${s.features === undefined ? '' : featuresText(run)}## Ratios against the baseline

Peer ÷ baseline. Lower is better for CPU, latency and KB per connection; higher for rate and
delivered events/s.

${ratios(run.peers)}

## Problems and notes

${[...problems, ...notes].join('\n') || '- none'}
`;
}
