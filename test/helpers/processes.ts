/** Child processes the tests start: common redis-server arguments, and a kill that waits. */
import type { ChildProcess } from 'node:child_process';

/** A private, non-persistent redis-server on loopback; `extra` adds or overrides options. */
export function redisArgs(port: number, extra: readonly string[] = []): string[] {
  return ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...extra];
}

/** Sends SIGKILL (by PID) and resolves once the process has exited; safe to call twice. */
export function killAndWait(child: ChildProcess | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (child === undefined || child.pid === undefined) return resolve();
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}
