import { describe, expect, test } from 'bun:test';
import { compareIds, parseStreamId, previousId } from '../../src/redis/stream-id.ts';

describe('stream ids', () => {
  test('compare numerically, not as text', () => {
    expect(compareIds('5-10', '5-2')).toBe(1);
    expect(compareIds('10-0', '9-99')).toBe(1);
    expect(compareIds('1733300000000-3', '1733300000000-3')).toBe(0);
    expect(compareIds('0-0', '0-1')).toBe(-1);
  });

  test('parse only canonical two-part unsigned 64-bit ids', () => {
    expect(parseStreamId('0005-01')).toBe('5-1');
    expect(parseStreamId('18446744073709551615-18446744073709551615')).toBe(
      '18446744073709551615-18446744073709551615',
    );
    for (const bad of [
      'abc',
      '-1',
      '1-2-3',
      '1',
      '18446744073709551616-0',
      '1-',
      ' 1-1',
      '$',
      '+',
    ]) {
      expect(parseStreamId(bad)).toBeUndefined();
    }
  });

  test('previousId steps back across the sequence and millisecond parts', () => {
    expect(previousId('5-3')).toBe('5-2');
    expect(previousId('5-0')).toBe('4-18446744073709551615');
    expect(previousId('0-0')).toBe('0-0');
  });
});
