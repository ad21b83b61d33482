// What one bench run found, per peer and scenario: the input of RESULTS.md and the table.
import type { Settings } from '../lib/config.ts';
import type { FeaturesResult } from '../scenarios/features.ts';
import type { IdleResult } from '../scenarios/idle.ts';
import type { SaturationResult } from '../scenarios/saturation.ts';
import type { SteadyResult } from '../scenarios/steady.ts';
import type { Machine } from './machine.ts';

export type PeerResult = {
  name: string;
  label: string;
  /** Why this peer did not run at all. */
  skipped?: string;
  a?: SteadyResult;
  b?: SaturationResult;
  c?: IdleResult;
  d?: SteadyResult;
  e?: FeaturesResult;
  /** Scenario letter → why it has no figures (error or time budget). */
  problems: Record<string, string>;
  notes: string[];
};

export type Run = {
  settings: Settings;
  machine: Machine;
  startedAt: Date;
  seconds: number;
  peers: PeerResult[];
};
