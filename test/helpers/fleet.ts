/** Test helper: many raw SSE clients in real Node child processes (Bun's fetch caps at 256). */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { FleetCommand, FleetStatus } from './raw-sse-fleet.ts';
import { realNode } from './gateway-process.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const CHILD = new URL('./raw-sse-fleet.ts', import.meta.url).pathname;

export type Fleet = {
  /** Sums of every child's status (min/max over children for seqs). */
  status: () => Promise<Omit<FleetStatus, 'type'>>;
  /** Where clients (re)connect from now on. */
  retarget: (port: number) => void;
  stop: () => Promise<void>;
};

/**
 * Starts `children` Node processes with `perChild` clients each on `path` at `port`. Each
 * child raises its own open-files limit to the hard limit first (500 sockets need more than
 * the common 1024 default once the gateway's side is counted too).
 */
export function startFleet(options: {
  children: number;
  perChild: number;
  port: number;
  path: string;
}): Fleet {
  const node = realNode();
  const children: ChildProcess[] = [];
  const waiting: Array<Array<(status: FleetStatus) => void>> = [];
  for (let i = 0; i < options.children; i++) {
    const script = `ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$0" --import tsx "$1"`;
    const child = spawn('sh', ['-c', script, node, CHILD], {
      cwd: ROOT,
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const queue: Array<(status: FleetStatus) => void> = [];
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      queue.shift()?.(JSON.parse(line) as FleetStatus);
    });
    children.push(child);
    waiting.push(queue);
  }
  const send = (child: ChildProcess, command: FleetCommand) =>
    child.stdin?.write(`${JSON.stringify(command)}\n`);
  const { perChild: clients, port, path } = options;
  for (const child of children) send(child, { type: 'open', clients, port, path });
  return {
    status: async () => {
      const all = await Promise.all(
        children.map(
          (child, i) =>
            new Promise<FleetStatus>((resolve) => {
              waiting[i]?.push(resolve);
              send(child, { type: 'status' });
            }),
        ),
      );
      const sum = (pick: (s: FleetStatus) => number) => all.reduce((t, s) => t + pick(s), 0);
      return {
        connected: sum((s) => s.connected),
        minSeq: Math.min(...all.map((s) => s.minSeq)),
        maxSeq: Math.max(...all.map((s) => s.maxSeq)),
        connections: sum((s) => s.connections),
        lost: sum((s) => s.lost),
        duplicated: sum((s) => s.duplicated),
        received: sum((s) => s.received),
        gaps: sum((s) => s.gaps),
        shutdowns: sum((s) => s.shutdowns),
      };
    },
    retarget: (port) => {
      for (const child of children) send(child, { type: 'target', port });
    },
    stop: async () => {
      await Promise.all(
        children.map(
          (child) =>
            new Promise<void>((resolve) => {
              if (child.exitCode !== null) return resolve();
              child.once('exit', () => resolve());
              send(child, { type: 'exit' });
              setTimeout(() => child.kill('SIGKILL'), 5000).unref();
            }),
        ),
      );
    },
  };
}
