// Scenarios (a) and (d): a fixed number of clients at a fixed rate for one measured window.
import type { Load } from '../lib/config.ts';
import type { ConnectResult } from '../lib/load-pool.ts';
import { type Bench, withClients, withServer } from './rig.ts';
import { measureWindow, warmUp, type WindowResult } from './window.ts';

export type SteadyResult = { load: Load; connect: ConnectResult; window: WindowResult };

export function steady(bench: Bench, load: Load): Promise<SteadyResult> {
  return withServer(bench, (server) =>
    withClients(bench, server, load.clients, async ({ rig, connect }) => {
      await warmUp(rig, load.payloadBytes);
      const window = await measureWindow(rig, load, bench.settings.drainMaxMs);
      return { load, connect, window };
    }),
  );
}
