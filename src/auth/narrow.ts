/** What a principal may receive: the request's streams and symbols, narrowed by token claims. */
import { GatewayError } from '../errors.ts';
import { normalizeSymbol } from './claims.ts';
import type { Principal } from './principal.ts';

/** The streams and symbols one subscription may carry; `symbols` undefined means all. */
export type Access = { streams: string[]; symbols: string[] | undefined };

/**
 * Decides what a request gets. Asking for a stream or symbol outside the token's claims is
 * `forbidden` (403), checked before an unknown stream name (`unknown_stream`, 404), as the
 * contract orders them. Asking for nothing specific (`undefined` or `[]`) gives everything
 * the claims allow among the configured streams, and the claimed symbols (or all).
 * Symbols are compared ASCII case-insensitively and returned upper-cased.
 * @param principal `null` when auth is off: nothing is narrowed, only names are checked.
 * @param allStreams the configured stream names (`STREAMS`).
 */
export function narrow(
  principal: Principal | null,
  requestedStreams: readonly string[] | undefined,
  requestedSymbols: readonly string[] | undefined,
  allStreams: readonly string[],
): Access {
  // Every claim check (streams, then symbols) runs before the served-stream check, so a 403
  // is never masked by a 404 for an unknown stream in the same request.
  const streams = narrowStreams(principal?.streams, requestedStreams, allStreams);
  const symbols = narrowSymbols(principal?.symbols, requestedSymbols);
  for (const stream of streams) {
    if (!allStreams.includes(stream)) {
      const message = `stream ${quote(stream)} is not served; the served ones are in STREAMS`;
      throw new GatewayError('unknown_stream', message);
    }
  }
  return { streams, symbols };
}

function narrowStreams(
  claimed: readonly string[] | undefined,
  requested: readonly string[] | undefined,
  allStreams: readonly string[],
): string[] {
  if (requested === undefined || requested.length === 0) {
    const allowed = allStreams.filter((stream) => claimed?.includes(stream) ?? true);
    if (allowed.length === 0) {
      throw new GatewayError('forbidden', 'the token allows none of the configured streams');
    }
    return allowed;
  }
  const unique = [...new Set(requested)];
  for (const stream of unique) {
    if (claimed !== undefined && !claimed.includes(stream)) {
      throw new GatewayError('forbidden', `the token does not allow stream ${quote(stream)}`);
    }
  }
  return unique;
}

function narrowSymbols(
  claimed: readonly string[] | undefined,
  requested: readonly string[] | undefined,
): string[] | undefined {
  if (requested === undefined || requested.length === 0) {
    if (claimed === undefined) return undefined;
    if (claimed.length === 0) throw new GatewayError('forbidden', 'the token allows no symbols');
    return [...claimed];
  }
  const unique = [...new Set(requested.map(normalizeSymbol))];
  for (const symbol of unique) {
    if (claimed !== undefined && !claimed.includes(symbol)) {
      throw new GatewayError('forbidden', `the token does not allow symbol ${quote(symbol)}`);
    }
  }
  return unique;
}

/** Names a value in a message only if it is plainly a name, so no input is echoed raw. */
function quote(value: string): string {
  return /^[A-Za-z0-9._:^/-]{1,64}$/.test(value) ? `"${value}"` : '(an invalid name)';
}
