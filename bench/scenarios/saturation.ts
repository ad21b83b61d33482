// Scenario (b): raise the rate at a fixed client count until delivery or p99 latency gives way.
import type { ConnectResult } from '../lib/load-pool.ts';
import { type Bench, withClients, withServer } from './rig.ts';
import { measureWindow, type Rig, warmUp, type WindowResult } from './window.ts';

export type Step = WindowResult & { pass: boolean; why: string };
export type SaturationResult = {
  clients: number;
  connect: ConnectResult;
  steps: Step[];
  /** Highest rate that passed, undefined when even the first failed. */
  best: number | undefined;
  /** True when the last step passed: the real limit lies above the rates tried. */
  unbounded: boolean;
};

function judge(bench: Bench, w: WindowResult): Step {
  const { minDeliveryPct, maxP99Ms } = bench.settings.saturation;
  const why: string[] = [];
  if (w.deliveryPct < minDeliveryPct) why.push(`delivery ${w.deliveryPct.toFixed(1)} %`);
  if (!(w.p99Ms <= maxP99Ms)) why.push(`p99 ${w.p99Ms.toFixed(0)} ms`);
  if (w.closedDuring > 0) why.push(`${w.closedDuring} clients closed by the server`);
  // A publisher that fell behind did not offer the rate: the step proves nothing either way.
  if (w.publishSeconds * w.rate > w.sent * 1.1) why.push('publisher could not keep the rate');
  const pass = why.length === 0;
  // Flagged, not judged: a load worker near a full core may have been the limit, not the server.
  if (w.loadBusiestPct >= 90) why.push(`load worker at ${w.loadBusiestPct.toFixed(0)} % CPU`);
  return { ...w, pass, why: why.join(', ') };
}

/** Replaces clients the server closed in an earlier step, so every step starts at full count. */
async function topUp(bench: Bench, rig: Rig, clients: number): Promise<void> {
  const { open } = await rig.pool.counts();
  if (open >= clients) return;
  const { server } = rig;
  const target = { host: '127.0.0.1', port: server.port, path: server.path, event: server.event };
  const sampled = Math.ceil(((clients - open) * bench.settings.sampled) / clients);
  await rig.pool.connect(target, clients - open, sampled);
  await warmUp(rig, bench.settings.saturation.payloadBytes);
}

export function saturation(bench: Bench): Promise<SaturationResult> {
  const plan = bench.settings.saturation;
  return withServer(bench, (server) =>
    withClients(bench, server, plan.clients, async ({ rig, connect }) => {
      await warmUp(rig, plan.payloadBytes);
      const steps: Step[] = [];
      let best: number | undefined;
      let failedAt: number | undefined;
      const stepMs = plan.windowMs + bench.settings.drainMaxMs + 2000;
      const tryRate = async (rate: number): Promise<boolean> => {
        await topUp(bench, rig, plan.clients);
        const load = { rate, windowMs: plan.windowMs, payloadBytes: plan.payloadBytes };
        const step = judge(bench, await measureWindow(rig, load, bench.settings.drainMaxMs));
        steps.push(step);
        bench.progress(
          `  ${rate}/s: ${step.pass ? 'pass' : 'fail'}${step.why === '' ? '' : ` (${step.why})`}`,
        );
        return step.pass;
      };
      for (const rate of plan.rates) {
        if (bench.remainingMs() < stepMs) break;
        if (!(await tryRate(rate))) {
          failedAt = rate;
          break;
        }
        best = rate;
      }
      // One step between the last pass and the first failure narrows the answer.
      if (best !== undefined && failedAt !== undefined && bench.remainingMs() > stepMs) {
        const mid = Math.round(Math.sqrt(best * failedAt) / 50) * 50;
        if (mid > best && mid < failedAt && (await tryRate(mid))) best = mid;
      }
      const unbounded = failedAt === undefined && steps.length === plan.rates.length;
      return { clients: connect.open, connect, steps, best, unbounded };
    }),
  );
}
