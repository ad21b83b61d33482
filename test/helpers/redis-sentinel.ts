/** A private master, replica and Sentinels on free loopback ports, for one failover test. */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort, waitUntil } from './ports.ts';
import { killAndWait, redisArgs } from './processes.ts';

export type SentinelSet = {
  masterName: string;
  masterPort: number;
  replicaPort: number;
  /** `127.0.0.1:port` of every Sentinel, as REDIS_SENTINELS takes them. */
  sentinels: string[];
  /** A Sentinel-aware client for the test itself; follows the master through a failover. */
  client: Redis;
  /** SIGKILLs the master, like a crash: what it did not replicate is gone. */
  killMaster: () => Promise<void>;
  /** Resolves with the new master's port once every Sentinel and the replica agree on it. */
  waitForFailover: (timeoutMs: number) => Promise<number>;
  /** The tail of every process's log, for failure messages. */
  logs: () => string;
  stop: () => Promise<void>;
};

/** How to run Sentinel mode: Debian ships it inside redis-server; some systems only as a binary. */
const CANDIDATES: ReadonlyArray<(conf: string) => [string, string[]]> = [
  (conf) => ['redis-server', [conf, '--sentinel']],
  (conf) => ['redis-sentinel', [conf]],
];

type Launched = { child: ChildProcess; log: string };

/** Starts a master, one replica of it, and `count` Sentinels watching it as `masterName`. */
export async function startRedisSentinels(
  count = 3,
  masterName = 'gwmaster',
): Promise<SentinelSet> {
  const dir = mkdtempSync(join(tmpdir(), 'sse-sentinel-'));
  const launched: Launched[] = [];
  const server = (port: number, extra: string[] = []) => {
    const log = join(dir, `redis-${port}.log`);
    const args = redisArgs(port, [
      '--appendonly',
      'no',
      // Redis 7 waits 5 s for more replicas before a diskless full sync by default.
      '--dir',
      dir,
      '--logfile',
      log,
      '--repl-diskless-sync-delay',
      '0',
      ...extra,
    ]);
    const entry = { child: spawn('redis-server', args, { stdio: 'ignore' }), log };
    launched.push(entry);
    return entry;
  };
  const stop = async () => {
    await Promise.all(launched.map(({ child }) => killAndWait(child)));
    rmSync(dir, { recursive: true, force: true });
  };
  const logs = () => launched.map(({ log }) => `--- ${log}\n${tail(log)}`).join('\n');
  try {
    const masterPort = await loopbackPort();
    const replicaPort = await loopbackPort();
    const master = server(masterPort);
    await waitUntil(() => ask(masterPort, ['PING'], (r) => r === 'PONG'), 10_000, 'master');
    server(replicaPort, ['--replicaof', '127.0.0.1', String(masterPort)]);
    // Sentinels learn of the replica from the master's INFO: the link must be up first.
    await waitUntil(
      () => ask(replicaPort, ['INFO', 'replication'], (r) => /master_link_status:up/.test(r)),
      20_000,
      'replica in sync',
    );
    const sentinelPorts: number[] = [];
    for (let i = 0; i < count; i++) {
      const port = await loopbackPort();
      const conf = join(dir, `sentinel-${port}.conf`);
      const log = join(dir, `sentinel-${port}.log`);
      writeFileSync(conf, sentinelConf(port, dir, log, masterName, masterPort));
      launched.push({ child: await launchSentinel(conf, port), log });
      sentinelPorts.push(port);
    }
    // A failover before the Sentinels know each other and the replica would be chaos.
    for (const port of sentinelPorts) {
      await waitUntil(
        () => ask(port, ['SENTINEL', 'MASTER', masterName], (r) => knowsAll(r, count - 1)),
        30_000,
        `sentinel ${port} to see the replica and ${count - 1} other sentinels`,
      );
    }
    const sentinels = sentinelPorts.map((port) => `127.0.0.1:${port}`);
    const client = new Redis({
      sentinels: sentinelPorts.map((port) => ({ host: '127.0.0.1', port })),
      name: masterName,
    });
    client.on('error', () => {}); // refused while the master is dead; that is the point
    return {
      masterName,
      masterPort,
      replicaPort,
      sentinels,
      client,
      logs,
      killMaster: () => killAndWait(master.child),
      waitForFailover: async (timeoutMs) => {
        const promoted = (reply: string) => reply.split('\n')[1] === String(replicaPort);
        const isMaster = (reply: string) => reply.startsWith('master');
        await waitUntil(
          async () =>
            (await ask(replicaPort, ['ROLE'], isMaster)) &&
            (
              await Promise.all(
                sentinelPorts.map((port) =>
                  ask(port, ['SENTINEL', 'GET-MASTER-ADDR-BY-NAME', masterName], promoted),
                ),
              )
            ).every(Boolean),
          timeoutMs,
          `sentinels to promote the replica on ${replicaPort}\n${logs()}`,
        );
        return replicaPort;
      },
      stop: async () => {
        client.disconnect();
        await stop();
      },
    };
  } catch (error) {
    const message = `${error instanceof Error ? error.message : String(error)}\n${logs()}`;
    await stop();
    throw new Error(message);
  }
}

/**
 * Why Sentinel cannot run here, or undefined when it can: tries each way of starting it with
 * a throw-away config. CI installs only the redis-server package.
 */
export async function sentinelUnavailable(): Promise<string | undefined> {
  const dir = mkdtempSync(join(tmpdir(), 'sse-sentinel-probe-'));
  try {
    const port = await loopbackPort();
    const conf = join(dir, 'probe.conf');
    // Monitors nothing: the probe must not connect anywhere.
    writeFileSync(conf, `port ${port}\nbind 127.0.0.1\ndir ${dir}\nlogfile ${dir}/probe.log\n`);
    await killAndWait(await launchSentinel(conf, port));
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function launchSentinel(conf: string, port: number): Promise<ChildProcess> {
  const failures: string[] = [];
  for (const candidate of CANDIDATES) {
    const [command, args] = candidate(conf);
    const child = spawn(command, args, { stdio: 'ignore' });
    let exited = false;
    child.once('exit', () => (exited = true));
    child.on('error', () => (exited = true)); // ENOENT: no such binary
    const answered = () => ask(port, ['SENTINEL', 'MASTERS'], () => true);
    const what = `${command} in sentinel mode`;
    const up = await waitUntil(async () => exited || (await answered()), 10_000, what).then(
      () => !exited,
      () => false,
    );
    if (up) return child;
    failures.push(`${command} ${args.join(' ')}`);
    await killAndWait(child);
  }
  throw new Error(`no way to run Redis Sentinel worked (tried: ${failures.join('; ')})`);
}

function sentinelConf(port: number, dir: string, log: string, name: string, master: number) {
  return [
    `port ${port}`,
    'bind 127.0.0.1',
    `dir ${dir}`, // Sentinel rewrites its config file: it lives in the temp dir
    `logfile ${log}`,
    `sentinel monitor ${name} 127.0.0.1 ${master} 1`,
    `sentinel down-after-milliseconds ${name} 1000`,
    `sentinel failover-timeout ${name} 5000`,
    '',
  ].join('\n');
}

/** Whether a SENTINEL MASTER reply lists a replica and `others` other Sentinels. */
function knowsAll(reply: string, others: number): boolean {
  const lines = reply.split('\n');
  const field = (name: string) => Number(lines[lines.indexOf(name) + 1]);
  return field('num-slaves') >= 1 && field('num-other-sentinels') === others;
}

/** One command on a short-lived connection; the reply flattened to lines for `check`. */
async function ask(port: number, command: string[], check: (reply: string) => boolean) {
  const redis = new Redis({
    host: '127.0.0.1',
    port,
    lazyConnect: true,
    retryStrategy: () => null,
    connectTimeout: 2000,
    commandTimeout: 2000,
    maxRetriesPerRequest: 0,
  });
  redis.on('error', () => {}); // refused until the process is up; the caller polls
  try {
    await redis.connect();
    const [name, ...args] = command as [string, ...string[]];
    return check(flatten(await redis.call(name, ...args)));
  } finally {
    redis.disconnect();
  }
}

function flatten(reply: unknown): string {
  return Array.isArray(reply) ? reply.map(flatten).join('\n') : String(reply);
}

/** A kernel-picked free port; never the machine's shared Redis port. */
async function loopbackPort(): Promise<number> {
  let port = await freePort();
  while (port === 6379) port = await freePort();
  return port;
}

function tail(file: string): string {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').slice(-15).join('\n') : '';
}
