/** Reading the `streams` and `symbols` claims of a JWT into normalised lists. */
import { GatewayError } from '../errors.ts';

/** ASCII-only upper case, so `spx` matches `SPX` but no locale rule rewrites other letters. */
export function normalizeSymbol(symbol: string): string {
  return symbol.replace(/[a-z]+/g, (letters) => letters.toUpperCase());
}

/**
 * Reads a list claim given as an array of strings or a comma-separated string.
 * Absent means "no restriction" (`undefined`); an empty list means "nothing is allowed".
 * Any other shape is rejected: a claim we cannot read must not widen access.
 */
export function readListClaim(
  payload: Record<string, unknown>,
  name: string,
): string[] | undefined {
  const value = payload[name];
  if (value === undefined) return undefined;
  let items: unknown[];
  if (typeof value === 'string') items = value.split(',');
  else if (Array.isArray(value)) items = value;
  else throw invalidClaim(name);
  const list: string[] = [];
  for (const item of items) {
    if (typeof item !== 'string') throw invalidClaim(name);
    const trimmed = item.trim();
    if (trimmed !== '' && !list.includes(trimmed)) list.push(trimmed);
  }
  return list;
}

/** The `symbols` claim, upper-cased and without duplicates. */
export function readSymbolsClaim(payload: Record<string, unknown>): string[] | undefined {
  const symbols = readListClaim(payload, 'symbols');
  return symbols === undefined ? undefined : [...new Set(symbols.map(normalizeSymbol))];
}

function invalidClaim(name: string): GatewayError {
  return new GatewayError(
    'unauthorized',
    `token claim "${name}" must be an array of strings or a comma-separated string`,
  );
}
