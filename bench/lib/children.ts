// Starts the bench's child processes and kills every one of them by PID, whatever way we exit.
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';

type Tracked = { child: ChildProcess; group: boolean };
const live = new Map<number, Tracked>();

function track(child: ChildProcess, group: boolean): ChildProcess {
  const pid = child.pid;
  if (pid === undefined) return child;
  live.set(pid, { child, group });
  child.once('exit', () => live.delete(pid));
  return child;
}

/** A server in its own process group (wrappers and nginx workers go with it), logging to a file. */
export function spawnServer(
  command: string,
  args: string[],
  options: { env: NodeJS.ProcessEnv; cwd: string; logFile: string },
): ChildProcess {
  const log = openSync(options.logFile, 'a');
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  return track(child, true);
}

/** A TypeScript module run by Node with tsx, talking to us over IPC. */
export function forkModule(modulePath: string, args: string[]): ChildProcess {
  const child = fork(modulePath, args, {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return track(child, false);
}

function signal(pid: number, tracked: Tracked, sig: NodeJS.Signals): void {
  try {
    process.kill(tracked.group ? -pid : pid, sig);
  } catch {
    // Already gone.
  }
}

/** Sends SIGTERM, then SIGKILL after `graceMs`; resolves once the process has exited. */
export async function stopChild(child: ChildProcess, graceMs = 3000): Promise<void> {
  const pid = child.pid;
  const tracked = pid === undefined ? undefined : live.get(pid);
  if (pid === undefined || tracked === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  signal(pid, tracked, 'SIGTERM');
  const timer = setTimeout(() => signal(pid, tracked, 'SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
  // A group may outlive its leader (nginx workers); make sure none is left.
  if (tracked.group) signal(pid, tracked, 'SIGKILL');
}

/** Synchronous last resort for exit paths: SIGKILL to everything still running. */
export function killAll(): void {
  for (const [pid, tracked] of live) signal(pid, tracked, 'SIGKILL');
  live.clear();
}

/** Kills the children on normal exit, Ctrl-C, SIGTERM and crashes. */
export function installExitHandlers(): void {
  process.on('exit', killAll);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(sig, () => {
      killAll();
      process.exit(130);
    });
  }
}
