/** redactUrl(): credentials never reach a log line through a URL. */
import { describe, expect, test } from 'bun:test';
import { REDACTED_URL_MAX_LENGTH, redactUrl } from '../../src/auth/index.ts';

const SECRET = 'eyJhbGciOiJIUzI1NiJ9.secret-marker.sig';

describe('redactUrl', () => {
  const cases: [string, string, string][] = [
    ['a token parameter', `/sse?token=${SECRET}&symbols=SPX`, '/sse?token=[REDACTED]&symbols=SPX'],
    ['an access_token parameter', `/sse?access_token=${SECRET}`, '/sse?access_token=[REDACTED]'],
    [
      'authorization, jwt and key',
      `/m?authorization=a&jwt=b&key=c`,
      '/m?authorization=[REDACTED]&jwt=[REDACTED]&key=[REDACTED]',
    ],
    ['a parameter name in another case', `/sse?TOKEN=${SECRET}`, '/sse?TOKEN=[REDACTED]'],
    ['a percent-encoded parameter name', `/sse?%74oken=${SECRET}`, '/sse?%74oken=[REDACTED]'],
    [
      'a repeated parameter',
      `/sse?token=a&token=${SECRET}`,
      '/sse?token=[REDACTED]&token=[REDACTED]',
    ],
    ['a parameter without a value', '/sse?token', '/sse?token=[REDACTED]'],
    [
      'user info in an absolute URL',
      `https://u:${SECRET}@gw.test/sse?x=1`,
      'https://[REDACTED]@gw.test/sse?x=1',
    ],
    ['a fragment', `/sse?a=1#token=${SECRET}`, '/sse?a=1'],
  ];
  for (const [name, input, expected] of cases) {
    test(`redacts ${name}`, () => {
      expect(redactUrl(input)).toBe(expected);
    });
  }

  test('keeps a URL without credentials unchanged', () => {
    const url = 'http://gw.test/sse?streams=chain-feed,timeseries&symbols=SPX&lastEventId=1-0';
    expect(redactUrl(url)).toBe(url);
  });

  test('keeps parameters whose names merely contain a secret word', () => {
    expect(redactUrl('/sse?tokens=1&monkey=2')).toBe('/sse?tokens=1&monkey=2');
  });

  test('does not throw on malformed percent escapes', () => {
    expect(redactUrl(`/sse?%E0%A4%A=1&token=${SECRET}`)).toBe('/sse?%E0%A4%A=1&token=[REDACTED]');
  });

  test('caps the length of a long URL and says it did', () => {
    const long = `/sse?symbols=${'A,'.repeat(2000)}&token=${SECRET}`;
    const redacted = redactUrl(long);
    expect(redacted.length).toBeLessThanOrEqual(REDACTED_URL_MAX_LENGTH + 20);
    expect(redacted).toEndWith('...[truncated]');
    expect(redactUrl(long, 10)).toBe('/sse?symbo...[truncated]');
  });

  test('redacts before capping, so a cut never leaves part of a token', () => {
    const url = `/sse?token=${SECRET}`;
    expect(redactUrl(url, 14)).toBe('/sse?token=[RE...[truncated]');
  });
});
