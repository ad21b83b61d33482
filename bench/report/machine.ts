// Describes the machine and the runtime versions a result was measured with.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';
import { join } from 'node:path';

export type Machine = {
  nproc: number;
  cpuModel: string;
  memoryGb: number;
  kernel: string;
  versions: Record<string, string>;
};

function run(command: string, args: string[]): string {
  try {
    const out = execFileSync(command, args, {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 5000,
    });
    return out.trim().split('\n')[0] ?? '';
  } catch (error) {
    // `nginx -v` writes to stderr; everything else missing is reported as such.
    const stderr = (error as { stderr?: string }).stderr?.trim();
    return stderr !== undefined && stderr !== '' ? (stderr.split('\n')[0] ?? '') : 'not installed';
  }
}

function packageVersion(root: string, name: string): string {
  try {
    const json: unknown = JSON.parse(
      readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8'),
    );
    return String((json as { version?: unknown }).version ?? '?');
  } catch {
    return 'not installed';
  }
}

export function describeMachine(root: string): Machine {
  const versions: Record<string, string> = {
    node: process.version,
    bun: run(join(root, 'node_modules/.bin/bun'), ['--version']),
    'redis-server': run('redis-server', ['--version']).replace(/^Redis server /, ''),
    nginx: run('/usr/sbin/nginx', ['-v']).replace(/^nginx version: /, ''),
  };
  for (const name of ['hono', '@hono/node-server', 'ioredis', 'express', 'cors', 'redis']) {
    versions[name] = packageVersion(root, name);
  }
  return {
    nproc: Number(run('nproc', [])) || cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGb: totalmem() / 2 ** 30,
    kernel: release(),
    versions,
  };
}
