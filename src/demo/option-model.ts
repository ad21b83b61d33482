/** A synthetic option market: random-walking spots and Black-Scholes quotes for a strike ladder. */
import { priceOption, type Right } from './black-scholes.ts';
import type { Random } from './random.ts';

/** One underlying the demo quotes. `annualVol` drives both the spot walk and the smile. */
export type SymbolSpec = {
  symbol: string;
  spot: number;
  strikeStep: number;
  tick: number;
  annualVol: number;
};

/** What `chain-feed` carries for one option quote. */
export type ChainUpdate = {
  symbol: string;
  expiry: string;
  strike: number;
  right: Right;
  bid: number;
  ask: number;
  iv: number;
  delta: number;
  gamma: number;
  theta: number;
  vega: number;
  ts: number;
  seq: number;
};

/** What `timeseries` carries: the underlying's price at `ts`. */
export type SpotPoint = { symbol: string; spot: number; ts: number; seq: number };

export const DEFAULT_SYMBOLS: readonly SymbolSpec[] = [
  { symbol: 'SPX', spot: 6000, strikeStep: 5, tick: 0.05, annualVol: 0.16 },
  { symbol: 'QQQ', spot: 520, strikeStep: 1, tick: 0.01, annualVol: 0.21 },
];

const DAY_MS = 86_400_000;
const YEAR_MS = 365 * DAY_MS;
/** Trading seconds in a year, to turn an annual volatility into a per-second one. */
const TRADING_SECONDS = 252 * 6.5 * 3600;
const RATE = 0.04;

/** The next `count` Fridays (UTC dates); a Friday after its 21:00 UTC close is skipped. */
export function upcomingExpiries(nowMs: number, count: number): string[] {
  const dates: string[] = [];
  const now = new Date(nowMs);
  let day = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  while (dates.length < count) {
    const closes = day + 21 * 3_600_000;
    if (new Date(day).getUTCDay() === 5 && closes > nowMs) {
      dates.push(new Date(day).toISOString().slice(0, 10));
    }
    day += DAY_MS;
  }
  return dates;
}

const round = (value: number, step: number): number =>
  Number((Math.round(value / step) * step).toFixed(6));

export type MarketOptions = {
  random: Random;
  symbols?: readonly SymbolSpec[];
  expiries?: number;
  /** Strikes on each side of the money that get quotes. */
  ladder?: number;
  /** Multiplies the spot walk's volatility so a demo visibly moves; 1 is realistic. */
  speed?: number;
  now?: number;
};

export type Market = {
  readonly symbols: readonly string[];
  spot(symbol: string): number;
  /** Moves every spot by a random walk over the time since the last call. */
  advance(nowMs: number): void;
  /** A fresh quote for a random option of a random symbol, with its symbol's next `seq`. */
  nextUpdate(nowMs: number): ChainUpdate;
  /** The current spot of `symbol`, with that symbol's next time-series `seq`. */
  spotPoint(symbol: string, nowMs: number): SpotPoint;
};

export function createMarket(options: MarketOptions): Market {
  const { random } = options;
  const specs = options.symbols ?? DEFAULT_SYMBOLS;
  const ladder = options.ladder ?? 15;
  const speed = options.speed ?? 5;
  let last = options.now ?? Date.now();
  const expiries = upcomingExpiries(last, options.expiries ?? 4);
  const state = new Map(specs.map((s) => [s.symbol, { spec: s, spot: s.spot, seq: 0, tsSeq: 0 }]));
  const entry = (symbol: string) => {
    const found = state.get(symbol);
    if (!found) throw new RangeError(`unknown demo symbol ${symbol}`);
    return found;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random.uniform() * items.length)]!;

  return {
    symbols: specs.map((s) => s.symbol),
    spot: (symbol) => entry(symbol).spot,
    advance(nowMs) {
      const seconds = Math.max(0, nowMs - last) / 1000;
      last = Math.max(last, nowMs);
      for (const s of state.values()) {
        const sigma = (s.spec.annualVol * speed) / Math.sqrt(TRADING_SECONDS);
        s.spot *= Math.exp(sigma * Math.sqrt(seconds) * random.normal());
      }
    },
    nextUpdate(nowMs) {
      const s = entry(pick(specs).symbol);
      const { spec } = s;
      const expiry = pick(expiries);
      // Quotes cluster near the money, as real chains update most there.
      const drawn = Math.round(random.normal() * ladder * 0.4);
      const offset = Math.max(-ladder, Math.min(ladder, drawn));
      const strike = round(s.spot, spec.strikeStep) + offset * spec.strikeStep;
      const right: Right = random.uniform() < 0.5 ? 'C' : 'P';
      const years = (Date.parse(`${expiry}T21:00:00Z`) - nowMs) / YEAR_MS;
      const moneyness = Math.log(strike / s.spot) / Math.sqrt(Math.max(years, 1 / 365));
      const smile = spec.annualVol - 0.1 * moneyness + 0.15 * moneyness * moneyness;
      const iv = Math.min(1.5, Math.max(0.05, smile * (1 + 0.01 * random.normal())));
      const value = priceOption({ spot: s.spot, strike, years, vol: iv, rate: RATE, right });
      const half = Math.max(spec.tick, value.price * 0.01);
      const bid = Math.max(0, round(value.price - half, spec.tick));
      const ask = Math.max(round(value.price + half, spec.tick), round(bid + spec.tick, spec.tick));
      s.seq += 1;
      return {
        symbol: spec.symbol,
        expiry,
        strike,
        right,
        bid,
        ask,
        iv: round(iv, 0.0001),
        delta: round(value.delta, 0.0001),
        gamma: round(value.gamma, 1e-6),
        theta: round(value.theta, 0.0001),
        vega: round(value.vega, 0.0001),
        ts: nowMs,
        seq: s.seq,
      };
    },
    spotPoint(symbol, nowMs) {
      const s = entry(symbol);
      s.tsSeq += 1;
      return { symbol, spot: round(s.spot, 0.01), ts: nowMs, seq: s.tsSeq };
    },
  };
}
