// The bench's knobs: the full run (under 15 minutes) or BENCH_QUICK=1 (a 1-2 minute smoke run).
import { GatewayError } from '../../src/errors.ts';

export const TARGET_NAMES = ['baseline', 'bun', 'node', 'nchan'] as const;
export const SCENARIO_NAMES = ['a', 'b', 'c', 'd', 'e'] as const;
export type TargetName = (typeof TARGET_NAMES)[number];
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

export type Load = { clients: number; rate: number; windowMs: number; payloadBytes: number };

/** Scenario (e): market-data features (snapshot, maxRate, where) mixed into one client set. */
export type Features = {
  clients: number;
  rate: number;
  windowMs: number;
  /** Instruments the publisher rotates over: more than `maxRate` updates/s reach each. */
  instruments: number;
  maxRate: number;
  /** Fully parsed connections per client kind (latency; per-instrument tally for maxRate). */
  sampledPerKind: number;
};

export type Settings = {
  quick: boolean;
  targets: TargetName[];
  scenarios: ScenarioName[];
  /** Everything, all targets included, must be done by then (ms from start). */
  budgetMs: number;
  /** Start-up, connecting and warm-up time a scenario needs on top of its windows. */
  overheadMs: number;
  steady: Load;
  saturation: Omit<Load, 'rate'> & { rates: number[]; minDeliveryPct: number; maxP99Ms: number };
  idle: { counts: number[]; settleMs: number };
  large: Load;
  features: Features;
  /** Connections per scenario that get the full parse (latency, order by seq). */
  sampled: number;
  drainMaxMs: number;
  out: string;
};

const SMALL = 0; // payload size 0 = the bare ~150-byte option-chain row
// 16 instruments at 100 msg/s: 6.25 updates/s each, so maxRate=4 has something to cut.
const FEATURES: Features = {
  clients: 1000,
  rate: 100,
  windowMs: 10_000,
  instruments: 16,
  maxRate: 4,
  sampledPerKind: 25,
};

function list<T extends string>(name: string, allowed: readonly T[], fallback: T[]): T[] {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const items = raw.split(',').map((s) => s.trim());
  const bad = items.filter((item) => !(allowed as readonly string[]).includes(item));
  if (bad.length > 0) {
    throw new GatewayError(
      'invalid_config',
      `${name} has ${bad.join(', ')}; use ${allowed.join(',')}`,
    );
  }
  return items as T[];
}

function numbers(name: string, fallback: number[]): number[] {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const values = raw.split(',').map(Number);
  if (values.some((v) => !Number.isInteger(v) || v <= 0)) {
    throw new GatewayError('invalid_config', `${name} must be positive integers, comma-separated`);
  }
  return values;
}

export function loadSettings(): Settings {
  const quick = process.env.BENCH_QUICK === '1';
  const common = {
    quick,
    targets: list('BENCH_TARGETS', TARGET_NAMES, [...TARGET_NAMES]),
    scenarios: list('BENCH_SCENARIOS', SCENARIO_NAMES, [...SCENARIO_NAMES]),
  };
  if (quick) {
    return {
      ...common,
      budgetMs: 150_000,
      overheadMs: 6000,
      steady: { clients: 100, rate: 50, windowMs: 3000, payloadBytes: SMALL },
      saturation: {
        clients: 100,
        windowMs: 2000,
        payloadBytes: SMALL,
        rates: numbers('BENCH_RATES', [1000, 5000, 20_000]),
        minDeliveryPct: 99,
        maxP99Ms: 1000,
      },
      idle: { counts: numbers('BENCH_IDLE_COUNTS', [1000, 3000]), settleMs: 2000 },
      large: { clients: 20, rate: 500, windowMs: 2000, payloadBytes: 2048 },
      features: { ...FEATURES, clients: 100, rate: 50, windowMs: 3000, sampledPerKind: 5 },
      sampled: 20,
      drainMaxMs: 2000,
      out: process.env.BENCH_OUT ?? 'bench/.work/RESULTS-quick.md',
    };
  }
  return {
    ...common,
    budgetMs: 14 * 60_000,
    overheadMs: 20_000,
    steady: { clients: 1000, rate: 100, windowMs: 20_000, payloadBytes: SMALL },
    saturation: {
      clients: 1000,
      windowMs: 8000,
      payloadBytes: SMALL,
      rates: numbers('BENCH_RATES', [50, 100, 250, 500, 1000, 2000, 4000, 8000, 16_000]),
      minDeliveryPct: 99,
      maxP99Ms: 1000,
    },
    idle: { counts: numbers('BENCH_IDLE_COUNTS', [10_000, 50_000]), settleMs: 12_000 },
    large: { clients: 200, rate: 5000, windowMs: 15_000, payloadBytes: 2048 },
    features: FEATURES,
    sampled: 50,
    drainMaxMs: 5000,
    out: process.env.BENCH_OUT ?? 'bench/RESULTS.md',
  };
}
