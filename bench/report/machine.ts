// Describes the machine and the runtime versions a result was measured with.
import { spawnSync } from 'node:child_process';
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

/** First line a command prints (stdout, else stderr: `nginx -v` uses it), or 'not installed'. */
function run(command: string, args: string[]): string {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 5000 });
  if (result.error !== undefined || result.status !== 0) return 'not installed';
  const text = `${result.stdout ?? ''}`.trim() || `${result.stderr ?? ''}`.trim();
  return text.split('\n')[0] ?? '';
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
    'sse-gateway commit': run('git', ['-C', root, 'rev-parse', '--short', 'HEAD']),
    node: process.version,
    bun: run(join(root, 'node_modules/.bin/bun'), ['--version']),
    'redis-server': run('redis-server', ['--version']).replace(/^Redis server v=(\S+).*/, '$1'),
    nginx: run('/usr/sbin/nginx', ['-v']).replace(/^nginx version: /, ''),
    nchan: run('dpkg-query', ['-W', '-f', '${Version}', 'libnginx-mod-nchan']),
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
