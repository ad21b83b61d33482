// Fresh server per scenario, clients around it, and the guaranteed teardown of both.
import type { Settings } from '../lib/config.ts';
import { LoadPool, type ConnectResult } from '../lib/load-pool.ts';
import type { Publisher } from '../lib/publisher-client.ts';
import type { Running, StartContext, TargetSpec } from '../lib/targets.ts';
import type { Rig } from './window.ts';
import { GatewayError } from '../../src/errors.ts';

export type Bench = {
  spec: TargetSpec;
  start: StartContext;
  publisher: Publisher;
  redisPid: number;
  settings: Settings;
  /** Milliseconds left of the whole bench's time budget. */
  remainingMs: () => number;
  /** A remark that belongs in RESULTS.md (failed connections, skipped points). */
  note: (line: string) => void;
  /** A progress line for the terminal only. */
  progress: (line: string) => void;
};

export async function withServer<T>(
  bench: Bench,
  body: (server: Running) => Promise<T>,
): Promise<T> {
  // The gateway reads recent history at start-up (snapshots): every peer starts on an empty
  // stream, so no peer pays for what an earlier scenario published.
  await bench.publisher.clear();
  const server = await bench.spec.start(bench.start);
  try {
    return await body(server);
  } finally {
    await server.stop();
  }
}

export type Connected = { rig: Rig; connect: ConnectResult };

/** Opens `clients` SSE connections (a sample of them fully parsed), runs `body`, closes them. */
export async function withClients<T>(
  bench: Bench,
  server: Running,
  clients: number,
  body: (connected: Connected) => Promise<T>,
): Promise<T> {
  const pool = LoadPool.create(clients, 2);
  try {
    const target = { host: '127.0.0.1', port: server.port, path: server.path, event: server.event };
    const connect = await pool.connect(target, clients, Math.min(clients, bench.settings.sampled));
    if (connect.failed > 0) {
      bench.note(
        `${connect.failed} of ${clients} connections failed: ${JSON.stringify(connect.errors)}`,
      );
    }
    if (connect.open === 0) throw new GatewayError('internal', 'no connection could be opened');
    const rig: Rig = { pool, publisher: bench.publisher, server, redisPid: bench.redisPid };
    return await body({ rig, connect });
  } finally {
    await pool.close();
  }
}
