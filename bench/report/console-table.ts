// The short table the bench prints when it is done.
import { ms, num, textTable } from './format.ts';
import type { Run } from './types.ts';

export function consoleTable(run: Run): string {
  const ran = run.peers.filter((p) => p.skipped === undefined);
  const skipped = run.peers
    .filter((p) => p.skipped !== undefined)
    .map((p) => `${p.name}: skipped — ${p.skipped}`);
  const rows = ran.map((p) => {
    const a = p.a?.window;
    const d = p.d?.window;
    const c = p.c?.points.at(-1);
    return [
      p.name,
      a === undefined ? '–' : `${num(a.deliveryPct, 1)} %`,
      ms(a?.p99Ms),
      num(a?.server.cpuPct),
      p.b?.best === undefined ? '–' : `${p.b.unbounded ? '≥' : ''}${num(p.b.best)}`,
      c === undefined ? '–' : `${num(c.perConnKb, 1)} @ ${num(c.open)}`,
      d === undefined ? '–' : `${num(d.eventsPerSec)} (${num(d.deliveryPct, 1)} %)`,
      ms(d?.p99Ms),
    ];
  });
  const head = [
    'peer',
    '(a) deliv',
    '(a) p99 ms',
    '(a) CPU %',
    '(b) max msg/s',
    '(c) KB/conn',
    '(d) ev/s',
    '(d) p99 ms',
  ];
  return [textTable(head, rows), ...skipped].join('\n');
}
