// The synthetic option market behind the demo feed: plausible quotes, reproducible draws.
import { describe, expect, test } from 'bun:test';
import { normalCdf, priceOption } from '../../src/demo/black-scholes.ts';
import { createMarket, upcomingExpiries } from '../../src/demo/option-model.ts';
import { createRandom } from '../../src/demo/random.ts';

const FRIDAY_NOON = Date.parse('2026-12-04T12:00:00Z');

describe('black-scholes', () => {
  test('the normal CDF is symmetric and matches known quantiles', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
    expect(normalCdf(-1) + normalCdf(1)).toBeCloseTo(1, 7);
  });

  test('a call and a put of one strike satisfy put-call parity', () => {
    const input = { spot: 6000, strike: 6050, years: 0.1, vol: 0.2, rate: 0.04 };
    const call = priceOption({ ...input, right: 'C' });
    const put = priceOption({ ...input, right: 'P' });
    const forward = input.spot - input.strike * Math.exp(-input.rate * input.years);
    expect(call.price - put.price).toBeCloseTo(forward, 6);
    expect(call.delta - put.delta).toBeCloseTo(1, 9);
    expect(call.gamma).toBeCloseTo(put.gamma, 12);
  });
});

describe('option market', () => {
  test('lists upcoming Fridays and drops a Friday once it has closed', () => {
    expect(upcomingExpiries(FRIDAY_NOON, 3)).toEqual(['2026-12-04', '2026-12-11', '2026-12-18']);
    const afterClose = Date.parse('2026-12-04T21:30:00Z');
    expect(upcomingExpiries(afterClose, 2)).toEqual(['2026-12-11', '2026-12-18']);
  });

  test('quotes have bid below ask, greeks of the right sign and strikes on the ladder', () => {
    const market = createMarket({ random: createRandom(7), now: FRIDAY_NOON });
    for (let i = 0; i < 2000; i++) {
      const q = market.nextUpdate(FRIDAY_NOON + 60_000);
      const step = q.symbol === 'SPX' ? 5 : 1;
      expect(q.bid).toBeGreaterThanOrEqual(0);
      expect(q.ask).toBeGreaterThan(q.bid);
      expect(q.strike % step).toBe(0);
      expect(Math.abs(q.strike - market.spot(q.symbol))).toBeLessThanOrEqual(16 * step);
      expect(q.iv).toBeGreaterThanOrEqual(0.05);
      expect(q.gamma).toBeGreaterThanOrEqual(0);
      // A deep in-the-money European put can gain value with time (rate > 0); a call cannot.
      if (q.right === 'C') {
        expect(q.delta).toBeGreaterThanOrEqual(0);
        expect(q.theta).toBeLessThanOrEqual(0);
      } else {
        expect(q.delta).toBeLessThanOrEqual(0);
      }
    }
  });

  test("numbers each symbol's updates 1, 2, 3 ... independently", () => {
    const market = createMarket({ random: createRandom(3), now: FRIDAY_NOON });
    const last = new Map<string, number>();
    for (let i = 0; i < 500; i++) {
      const q = market.nextUpdate(FRIDAY_NOON);
      expect(q.seq).toBe((last.get(q.symbol) ?? 0) + 1);
      last.set(q.symbol, q.seq);
    }
    expect([...last.keys()].sort()).toEqual(['QQQ', 'SPX']);
  });

  test('the same seed replays the same feed', () => {
    const run = (seed: number) => {
      const market = createMarket({ random: createRandom(seed), now: FRIDAY_NOON });
      market.advance(FRIDAY_NOON + 5000);
      return Array.from({ length: 20 }, () => market.nextUpdate(FRIDAY_NOON + 5000));
    };
    expect(run(11)).toEqual(run(11));
    expect(run(11)).not.toEqual(run(12));
  });

  test('spots walk away from their start but stay plausible over a simulated hour', () => {
    const market = createMarket({ random: createRandom(5), now: FRIDAY_NOON });
    for (let s = 1; s <= 3600; s++) market.advance(FRIDAY_NOON + s * 1000);
    const spx = market.spot('SPX');
    expect(spx).not.toBe(6000);
    expect(Math.abs(Math.log(spx / 6000))).toBeLessThan(0.2);
  });
});
