/** Black-Scholes prices and greeks for European options, used to make the demo feed plausible. */

export type Right = 'C' | 'P';

/** Inputs: spot, strike, years to expiry, volatility and rate as annual decimals. */
export type OptionInputs = {
  spot: number;
  strike: number;
  years: number;
  vol: number;
  rate: number;
  right: Right;
};

/** Theoretical value; theta per calendar day, vega per one volatility point. */
export type OptionValue = {
  price: number;
  delta: number;
  gamma: number;
  theta: number;
  vega: number;
};

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

function normalPdf(x: number): number {
  return INV_SQRT_2PI * Math.exp(-0.5 * x * x);
}

/** Normal CDF via the Abramowitz-Stegun 26.2.17 polynomial (error below 7.5e-8). */
export function normalCdf(x: number): number {
  const t = 1 / (1 + 0.2316419 * Math.abs(x));
  const inner = 1.781477937 + t * (-1.821255978 + t * 1.330274429);
  const poly = t * (0.31938153 + t * (-0.356563782 + t * inner));
  const tail = normalPdf(x) * poly;
  return x >= 0 ? 1 - tail : tail;
}

/** Values one option; `years` is clamped to one hour so expiry day stays finite. */
export function priceOption(input: OptionInputs): OptionValue {
  const { spot, strike, vol, rate, right } = input;
  const years = Math.max(input.years, 1 / (365 * 24));
  const sqrtT = Math.sqrt(years);
  const d1 = (Math.log(spot / strike) + (rate + 0.5 * vol * vol) * years) / (vol * sqrtT);
  const d2 = d1 - vol * sqrtT;
  const discount = Math.exp(-rate * years);
  const gamma = normalPdf(d1) / (spot * vol * sqrtT);
  const vega = (spot * normalPdf(d1) * sqrtT) / 100;
  const decay = -(spot * normalPdf(d1) * vol) / (2 * sqrtT);
  if (right === 'C') {
    const price = spot * normalCdf(d1) - strike * discount * normalCdf(d2);
    const theta = (decay - rate * strike * discount * normalCdf(d2)) / 365;
    return { price, delta: normalCdf(d1), gamma, theta, vega };
  }
  const price = strike * discount * normalCdf(-d2) - spot * normalCdf(-d1);
  const theta = (decay + rate * strike * discount * normalCdf(-d2)) / 365;
  return { price, delta: normalCdf(d1) - 1, gamma, theta, vega };
}
