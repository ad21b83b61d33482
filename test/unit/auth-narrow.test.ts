/** narrow(): requested streams and symbols against token claims and the configured streams. */
import { describe, expect, test } from 'bun:test';
import { narrow, normalizeSymbol, type Principal } from '../../src/auth/index.ts';
import { GatewayError } from '../../src/errors.ts';

const ALL = ['chain-feed', 'timeseries', 'news'];
const open: Principal = { key: 'tok:0' };
const limited: Principal = { key: 'sub:1', streams: ['chain-feed', 'retired'], symbols: ['SPX'] };

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof GatewayError) return error.code;
    throw error;
  }
  return 'none';
}

describe('narrow', () => {
  test('gives every configured stream and all symbols when auth is off', () => {
    expect(narrow(null, undefined, undefined, ALL)).toEqual({ streams: ALL, symbols: undefined });
  });

  test('gives every configured stream to a token without claims', () => {
    expect(narrow(open, undefined, ['spx'], ALL)).toEqual({ streams: ALL, symbols: ['SPX'] });
  });

  test('gives the intersection of claims and configuration when nothing specific is asked', () => {
    const expected = { streams: ['chain-feed'], symbols: ['SPX'] };
    expect(narrow(limited, undefined, undefined, ALL)).toEqual(expected);
    expect(narrow(limited, [], [], ALL)).toEqual(expected);
  });

  test('passes a request inside the claims, deduplicated and with symbols upper-cased', () => {
    const access = narrow(limited, ['chain-feed', 'chain-feed'], ['spx', 'SPX'], ALL);
    expect(access).toEqual({ streams: ['chain-feed'], symbols: ['SPX'] });
  });

  test('forbids a stream outside the claims', () => {
    expect(codeOf(() => narrow(limited, ['timeseries'], undefined, ALL))).toBe('forbidden');
  });

  test('forbids a symbol outside the claims', () => {
    expect(codeOf(() => narrow(limited, undefined, ['SPX', 'QQQ'], ALL))).toBe('forbidden');
  });

  test('reports a forbidden stream before an unknown one, as the contract orders them', () => {
    expect(codeOf(() => narrow(limited, ['nope', 'timeseries'], undefined, ALL))).toBe('forbidden');
  });

  test('reports a forbidden symbol before an unknown stream, as the contract orders them', () => {
    const symbolsOnly: Principal = { key: 'k', symbols: ['SPX'] };
    expect(codeOf(() => narrow(symbolsOnly, ['nope'], ['QQQ'], ALL))).toBe('forbidden');
    expect(codeOf(() => narrow(symbolsOnly, ['nope'], ['SPX'], ALL))).toBe('unknown_stream');
  });

  test('reports a claimed but unconfigured stream as unknown', () => {
    expect(codeOf(() => narrow(limited, ['retired'], undefined, ALL))).toBe('unknown_stream');
    expect(codeOf(() => narrow(null, ['nope'], undefined, ALL))).toBe('unknown_stream');
  });

  test('forbids everything to a token whose claims allow no stream or no symbol', () => {
    const noStreams: Principal = { key: 'k', streams: ['retired'] };
    const noSymbols: Principal = { key: 'k', symbols: [] };
    expect(codeOf(() => narrow(noStreams, undefined, undefined, ALL))).toBe('forbidden');
    expect(codeOf(() => narrow(noSymbols, undefined, undefined, ALL))).toBe('forbidden');
    expect(codeOf(() => narrow(noSymbols, undefined, ['SPX'], ALL))).toBe('forbidden');
  });

  test('never echoes a requested name that is not a plain name', () => {
    try {
      narrow(limited, ['<script>x</script>'], undefined, ALL);
    } catch (error) {
      expect((error as Error).message).not.toContain('<script>');
      return;
    }
    throw new Error('expected narrow to throw');
  });
});

describe('normalizeSymbol', () => {
  test('upper-cases ASCII letters only', () => {
    expect(normalizeSymbol('spx.w')).toBe('SPX.W');
    // A locale-aware toUpperCase would turn the sharp s into "SS" and merge distinct symbols.
    expect(normalizeSymbol('straße')).toBe('STRAßE');
  });
});
