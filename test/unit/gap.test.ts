import { describe, expect, test } from 'bun:test';
import { judgeResume } from '../../src/hub/gap.ts';
import type { StreamBounds } from '../../src/redis/stream-info.ts';

const bounds = (over: Partial<StreamBounds>): StreamBounds => ({
  length: 5,
  lastGeneratedId: '10-0',
  maxDeletedId: '0-0',
  entriesAdded: 5,
  firstEntryId: '6-0',
  lastEntryId: '10-0',
  ...over,
});

describe('judgeResume', () => {
  test('finds no gap inside an intact stream', () => {
    expect(judgeResume('7-0', bounds({}))).toBeNull();
  });

  test('never reports a gap for 0-0', () => {
    expect(judgeResume('0-0', bounds({ entriesAdded: 10 }))).toBeNull();
  });

  test('reports trimmed when the stream lost entries and now starts after the cursor', () => {
    expect(judgeResume('2-0', bounds({ entriesAdded: 10 }))).toEqual({
      reason: 'trimmed',
      resumeAfter: '2-0',
    });
  });

  test('reports trimmed when XDEL removed an entry after the cursor', () => {
    const info = bounds({ firstEntryId: '1-0', entriesAdded: 6, maxDeletedId: '8-0' });
    expect(judgeResume('7-0', info)?.reason).toBe('trimmed');
  });

  test('reports trimmed when everything after the cursor is gone', () => {
    const info = bounds({ length: 0, entriesAdded: 5, firstEntryId: undefined });
    expect(judgeResume('7-0', info)?.reason).toBe('trimmed');
  });

  test('reports ahead, from the start, when the cursor is past every generated id', () => {
    expect(judgeResume('11-0', bounds({}))).toEqual({ reason: 'ahead', resumeAfter: '0-0' });
    expect(judgeResume('11-0', undefined)?.reason).toBe('ahead');
  });

  test('reports recreated when an intact stream starts after the cursor', () => {
    expect(judgeResume('2-0', bounds({}))).toEqual({ reason: 'recreated', resumeAfter: '0-0' });
  });

  test('for a point in time, only trimming is a gap', () => {
    expect(judgeResume('2-0', bounds({}), true)).toBeNull();
    expect(judgeResume('11-0', bounds({}), true)).toBeNull();
    expect(judgeResume('2-0', bounds({ entriesAdded: 9 }), true)?.reason).toBe('trimmed');
  });
});
