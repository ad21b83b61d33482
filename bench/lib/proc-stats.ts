// Reads CPU time and RSS of a process and its descendants from /proc, for the server meters.
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ; `getconf CLK_TCK` is 100 on every Linux we target.

type StatLine = { ppid: number; ticks: number };

function readStat(pid: number): StatLine | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm may hold spaces and parentheses: the fields start after the last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return undefined;
  }
}

function readRssKb(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match?.[1] === undefined ? 0 : Number(match[1]);
  } catch {
    return 0;
  }
}

/** `pid` and every descendant of it (nginx workers, runtime wrappers). */
export function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    const child = Number(name);
    if (!Number.isInteger(child)) continue;
    const stat = readStat(child);
    if (stat === undefined) continue;
    const list = children.get(stat.ppid) ?? [];
    list.push(child);
    children.set(stat.ppid, list);
  }
  const tree: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const next = queue.pop() as number;
    tree.push(next);
    queue.push(...(children.get(next) ?? []));
  }
  return tree;
}

/** The soft RLIMIT_NOFILE that this process (and so every server it spawns) runs under. */
export function fdLimit(): number {
  const line = /Max open files\s+(\d+)/.exec(readFileSync('/proc/self/limits', 'utf8'));
  return Number(line?.[1] ?? 1024);
}

export type Usage = { ticks: number; rssKb: number };

/** CPU ticks and RSS summed over `pids`. */
export function usageOf(pids: number[]): Usage {
  let ticks = 0;
  let rssKb = 0;
  for (const pid of pids) {
    ticks += readStat(pid)?.ticks ?? 0;
    rssKb += readRssKb(pid);
  }
  return { ticks, rssKb };
}

/** Busy CPU ticks of the whole machine, all cores (from /proc/stat's first line). */
function machineBusyTicks(): number {
  const fields =
    readFileSync('/proc/stat', 'utf8').split('\n')[0]?.trim().split(/\s+/).slice(1) ?? [];
  const ticks = fields.slice(0, 8).map(Number);
  // idle and iowait are the 4th and 5th fields; everything else is work.
  return ticks.reduce((a, b) => a + b, 0) - (ticks[3] ?? 0) - (ticks[4] ?? 0);
}

/** CPU % (of one core) used by the whole machine over a window, whoever used it. */
export class MachineMeter {
  private startTicks = 0;
  private startedAt = 0;

  start(): void {
    this.startedAt = performance.now();
    this.startTicks = machineBusyTicks();
  }

  stop(): number {
    const seconds = (performance.now() - this.startedAt) / 1000;
    return seconds > 0
      ? (100 * (machineBusyTicks() - this.startTicks)) / TICKS_PER_SECOND / seconds
      : 0;
  }
}

export type MeterReading = { cpuPct: number; rssPeakMb: number; rssEndMb: number };

/** Measures one group of processes over a window: CPU % of one core, and peak RSS. */
export class Meter {
  private startTicks = 0;
  private startedAt = 0;
  private peakKb = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly pids: () => number[]) {}

  start(): void {
    this.startedAt = performance.now();
    this.startTicks = usageOf(this.pids()).ticks;
    this.peakKb = 0;
    this.timer = setInterval(() => {
      this.peakKb = Math.max(this.peakKb, usageOf(this.pids()).rssKb);
    }, 500);
  }

  stop(): MeterReading {
    clearInterval(this.timer);
    const end = usageOf(this.pids());
    const seconds = (performance.now() - this.startedAt) / 1000;
    const cpuSeconds = (end.ticks - this.startTicks) / TICKS_PER_SECOND;
    this.peakKb = Math.max(this.peakKb, end.rssKb);
    return {
      cpuPct: seconds > 0 ? (100 * cpuSeconds) / seconds : 0,
      rssPeakMb: this.peakKb / 1024,
      rssEndMb: end.rssKb / 1024,
    };
  }
}
