import { describe, expect, test } from 'bun:test';
import { keySlot } from '../../src/redis/key-slot.ts';

describe('keySlot', () => {
  test('matches CLUSTER KEYSLOT for plain keys', () => {
    expect(keySlot('foo')).toBe(12182);
    expect(keySlot('hello')).toBe(866);
    expect(keySlot('123456789')).toBe(0x31c3 % 16384);
  });

  test('hashes only the first non-empty hash tag', () => {
    expect(keySlot('{sse}:chain-feed')).toBe(keySlot('sse'));
    expect(keySlot('{sse}:timeseries')).toBe(keySlot('{sse}:chain-feed'));
    expect(keySlot('{}:x')).toBe(keySlot('{}:x'));
    expect(keySlot('a{}{b}')).not.toBe(keySlot('b'));
  });
});
