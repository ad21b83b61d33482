import { describe, expect, test } from 'bun:test';
import { instrumentKey } from '../../src/hub/instrument.ts';
import { LastValues } from '../../src/hub/last-values.ts';
import { RateGate } from '../../src/hub/rate-gate.ts';
import { createSubscription, matches } from '../../src/hub/subscription.ts';
import { type Entry, parseEntry } from '../../src/redis/entry.ts';

const entry = (id: string, value: object, symbolField?: string, stream = 'chain-feed'): Entry => {
  const fields = [Buffer.from('json'), Buffer.from(JSON.stringify(value))];
  if (symbolField !== undefined) fields.push(Buffer.from('symbol'), Buffer.from(symbolField));
  return parseEntry(stream, id, fields, 1 << 20);
};

describe('parseEntry', () => {
  test('keeps the payload byte for byte and takes the symbol field over the payload', () => {
    const parsed = entry('1-0', { symbol: 'qqq', a: 1 }, 'spx');
    expect(parsed.payload).toBe('{"symbol":"qqq","a":1}');
    expect(parsed.symbol).toBe('SPX');
  });

  test('skips missing, invalid, oversized and non-UTF-8 payloads with a reason', () => {
    const raw = (json: Buffer) => parseEntry('s', '1-0', [Buffer.from('json'), json], 10);
    expect(parseEntry('s', '1-0', [Buffer.from('x'), Buffer.from('1')], 10).skipReason).toBe(
      'missing_json',
    );
    expect(raw(Buffer.from('{"a":')).skipReason).toBe('invalid_json');
    expect(raw(Buffer.from('"0123456789"')).skipReason).toBe('too_large');
    expect(raw(Buffer.from([0x22, 0xff, 0x22])).skipReason).toBe('invalid_utf8');
    expect(raw(Buffer.from('"\u0000"')).skipReason).toBe('invalid_json');
  });

  test('only string symbols count', () => {
    expect(entry('1-0', { symbol: 5 }).symbol).toBeUndefined();
  });
});

describe('subscription', () => {
  test('identical requests share one key whatever their order', () => {
    const a = createSubscription({ streams: ['b', 'a'], symbols: ['QQQ', 'SPX'] });
    const b = createSubscription({ streams: ['a', 'b'], symbols: ['SPX', 'QQQ'] });
    expect(a.key).toBe(b.key);
    expect(createSubscription({ streams: ['a'], symbols: null, maxRate: 2 }).key).not.toBe(
      createSubscription({ streams: ['a'], symbols: null }).key,
    );
  });

  test('matches symbols, then every where condition', () => {
    const where = [
      { field: 'expiry', values: new Set(['2026-12-19']) },
      { field: 'strike', values: new Set(['100', '105']) },
    ];
    const sub = createSubscription({ streams: ['chain-feed'], symbols: ['SPX'], where });
    expect(matches(sub, entry('1-0', { symbol: 'SPX', expiry: '2026-12-19', strike: 105 }))).toBe(
      true,
    );
    expect(matches(sub, entry('1-0', { symbol: 'SPX', expiry: '2026-12-19', strike: 110 }))).toBe(
      false,
    );
    expect(matches(sub, entry('1-0', { symbol: 'QQQ', expiry: '2026-12-19', strike: 100 }))).toBe(
      false,
    );
    expect(matches(sub, entry('1-0', { symbol: 'SPX', strike: 100 }))).toBe(false);
  });
});

describe('instrumentKey', () => {
  test('joins the configured fields, a missing one counting as empty', () => {
    const fields = ['symbol', 'expiry', 'strike'];
    expect(instrumentKey(entry('1-0', { symbol: 'SPX', strike: 5 }), fields)).toBe(
      'SPX\u0000\u00005',
    );
    expect(instrumentKey(entry('1-0', { symbol: 'SPX' }, 'QQQ'), undefined)).toBe('QQQ');
  });
});

describe('LastValues', () => {
  test('keeps the newest entry per instrument and evicts the least recently updated', () => {
    const cache = new LastValues(new Map(), 2);
    cache.record(entry('1-0', { symbol: 'A', n: 1 }));
    cache.record(entry('2-0', { symbol: 'B', n: 2 }));
    cache.record(entry('3-0', { symbol: 'A', n: 3 }));
    cache.record(entry('4-0', { symbol: 'C', n: 4 }));
    const sub = createSubscription({ streams: ['chain-feed'], symbols: null });
    expect(cache.snapshot(sub).map((e) => e.id)).toEqual(['3-0', '4-0']);
    expect(cache.size.entries).toBe(2);
  });

  test('holds nothing when turned off', () => {
    const cache = new LastValues(new Map(), 0);
    cache.record(entry('1-0', { symbol: 'A' }));
    expect(cache.size.entries).toBe(0);
  });
});

describe('RateGate', () => {
  test('lets one update per interval through and releases the latest held one after it', () => {
    const gate = new RateGate(2, (e) => e.symbol ?? '');
    expect(gate.offer(entry('1-0', { symbol: 'A', n: 1 }), 0)).toBe(true);
    expect(gate.offer(entry('2-0', { symbol: 'A', n: 2 }), 100)).toBe(false);
    expect(gate.offer(entry('3-0', { symbol: 'A', n: 3 }), 200)).toBe(false);
    expect(gate.offer(entry('4-0', { symbol: 'B', n: 4 }), 200)).toBe(true);
    expect(gate.release(300)).toEqual([]);
    expect(gate.release(500).map((e) => e.id)).toEqual(['3-0']);
    expect(gate.holding).toBe(false);
  });
});
