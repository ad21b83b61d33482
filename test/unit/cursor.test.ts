import { describe, expect, test } from 'bun:test';
import { GatewayError } from '../../src/errors.ts';
import { formatCursor, parseCursor } from '../../src/sse/cursor.ts';

const NOW = 1_733_300_000_000;

describe('cursor', () => {
  test('is the bare entry id for one stream', () => {
    expect(formatCursor(['chain-feed'], new Map([['chain-feed', '1-2']]))).toBe('1-2');
  });

  test('lists every stream sorted by name for several', () => {
    const positions = new Map([
      ['timeseries', '7-0'],
      ['chain-feed', '9-3'],
    ]);
    expect(formatCursor(['timeseries', 'chain-feed'], positions)).toBe(
      'chain-feed=9-3;timeseries=7-0',
    );
  });

  test('round-trips through parseCursor', () => {
    const streams = ['chain-feed', 'timeseries'];
    const cursor = parseCursor('chain-feed=9-3;timeseries=7-0', streams, NOW);
    expect([...cursor]).toEqual([
      ['chain-feed', '9-3'],
      ['timeseries', '7-0'],
    ]);
  });

  test('applies a bare id or 0 to every subscribed stream', () => {
    expect([...parseCursor('0', ['a', 'b'], NOW)]).toEqual([
      ['a', '0-0'],
      ['b', '0-0'],
    ]);
    expect(parseCursor('5-5', ['a'], NOW).get('a')).toBe('5-5');
  });

  test('rejects malformed, future and foreign cursors with invalid_last_event_id', () => {
    const bad = [
      'abc',
      '-1',
      '1-2-3',
      'x'.repeat(10_000),
      '1700000000000-0, 1700000000001-0',
      `${NOW + 120_000}-0`,
      '99999999999999-0',
      'other=1-1',
      'a=1-1;a=2-2',
      '',
    ];
    for (const text of bad) {
      let error: unknown;
      try {
        parseCursor(text, ['a'], NOW);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(GatewayError);
      expect((error as GatewayError).code).toBe('invalid_last_event_id');
    }
  });

  test('accepts a time up to a minute ahead (clock skew between hosts)', () => {
    expect(parseCursor(`${NOW + 30_000}-0`, ['a'], NOW).get('a')).toBe(`${NOW + 30_000}-0`);
  });
});
