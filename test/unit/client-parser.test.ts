// The typed client's event-stream parser and retry policy: the WHATWG rules, table by table.
import { describe, expect, test } from 'bun:test';
import { createParser as referenceParser } from 'eventsource-parser';
import {
  backoffMs,
  classifyResponse,
  fatalError,
  parseRetryAfter,
} from '../../src/client/retry-policy.ts';
import { createSseParser, type SseEvent } from '../../src/client/sse-parser.ts';

type Parsed = { events: SseEvent[]; retries: number[]; comments: string[]; lastEventId: string };

function parse(chunks: readonly string[], lastEventId = ''): Parsed {
  const out: Parsed = { events: [], retries: [], comments: [], lastEventId: '' };
  const parser = createSseParser(
    {
      onEvent: (e) => out.events.push(e),
      onRetry: (ms) => out.retries.push(ms),
      onComment: (c) => out.comments.push(c),
    },
    lastEventId,
  );
  for (const chunk of chunks) parser.feed(chunk);
  out.lastEventId = parser.lastEventId;
  return out;
}

const ev = (data: string, id = '', type = 'message'): SseEvent => ({ type, data, id });

const cases: [name: string, input: string, events: SseEvent[]][] = [
  [
    'a named event with an id',
    'id: 1-0\nevent: chain\ndata: {"a":1}\n\n',
    [ev('{"a":1}', '1-0', 'chain')],
  ],
  ['LF, CR and CRLF line ends', 'data: a\rdata: b\r\ndata: c\n\r\n', [ev('a\nb\nc')]],
  ['a lone CR ending an event', 'data: x\r\r', [ev('x')]],
  ['values with no or two leading spaces', 'data:  two\ndata:none\n\n', [ev(' two\nnone')]],
  ['empty data lines', 'data\ndata:\n\n', [ev('\n')]],
  ['an event without data', 'event: x\n\ndata: y\n\n', [ev('y')]],
  ['an unfinished last event', 'data: done\n\ndata: half', [ev('done')]],
  ['unknown fields and a bad retry', 'foo: bar\ndata: z\nretry: soon\n\n', [ev('z')]],
  ['an id containing NUL', 'id: 5\n\nid: 6\0x\ndata: d\n\n', [ev('d', '5')]],
  ['an empty id', 'id: 7\ndata: a\n\nid\ndata: b\n\n', [ev('a', '7'), ev('b', '')]],
  [
    'an id, then an event without one',
    'id: 8\ndata: a\n\ndata: b\n\n',
    [ev('a', '8'), ev('b', '8')],
  ],
  ['unicode, U+2028 and U+0085', 'data: é\u2028ü\u0085\n\n', [ev('é\u2028ü\u0085')]],
  ['comments', ': heartbeat\n\n:\ndata: q\n\n', [ev('q')]],
];

describe('sse parser', () => {
  test.each(cases)('parses %s as the spec says', (_name, input, events) => {
    expect(parse([input]).events).toEqual(events);
  });

  test.each(cases)('parses %s alike at every chunk boundary', (_n, input, events) => {
    for (let cut = 1; cut < input.length; cut++) {
      expect(parse([input.slice(0, cut), input.slice(cut)]).events).toEqual(events);
    }
    expect(parse([...input]).events).toEqual(events);
  });

  test.each(cases)('agrees with eventsource-parser on %s', (_name, input) => {
    const reference: [string, string][] = [];
    const other = referenceParser({
      onEvent: (e) => reference.push([e.event ?? 'message', e.data]),
    });
    // A trailing LF lets eventsource-parser finish a final lone CR, which it holds back in case
    // an LF follows; it completes no other event. Ids are compared by the tables above, since
    // eventsource-parser reports only an event's own id, not the one the spec carries forward.
    other.feed(`${input}\n`);
    expect(parse([`${input}\n`]).events.map((e) => [e.type, e.data])).toEqual(reference);
  });

  test('reports valid retry values only', () => {
    expect(parse(['retry: 1500\nretry: -1\nretry: 2e3\nretry:\nretry: 0\n']).retries).toEqual([
      1500, 0,
    ]);
  });

  test('passes comment text without the colon', () => {
    expect(parse([': hb 1\n', ':\n']).comments).toEqual([' hb 1', '']);
  });

  test('commits an id for resuming only when a blank line ends its event', () => {
    expect(parse(['id: 1\ndata: a\n\nid: 2\ndata: b\n']).lastEventId).toBe('1');
    expect(parse(['id: 3\n\n']).lastEventId).toBe('3');
    expect(parse(['data: a\n\n'], 'seed').events).toEqual([ev('a', 'seed')]);
  });

  test('skips only one LF after a CR that ended the previous chunk', () => {
    expect(parse(['data: a\r', '\ndata: b\n\n']).events).toEqual([ev('a\nb')]);
    expect(parse(['data: a\r', '\n\n']).events).toEqual([ev('a')]);
    expect(parse(['data: a\r', '\r', '\n', 'data: b\n\n']).events).toEqual([ev('a'), ev('b')]);
  });
});

describe('retry policy', () => {
  const now = Date.parse('2026-12-04T12:00:00Z');
  test.each([
    [200, 'text/event-stream; charset=utf-8', 'open'],
    [200, 'text/html', 'fatal'],
    [204, null, 'done'],
    [400, 'application/json', 'fatal'],
    [401, null, 'fatal'],
    [403, null, 'fatal'],
    [404, null, 'fatal'],
    [408, null, 'retry'],
    [429, null, 'retry'],
    [500, null, 'retry'],
    [502, 'text/html', 'retry'],
    [503, null, 'retry'],
  ] as const)('classifies HTTP %d with %p as %s', (status, type, kind) => {
    expect(classifyResponse(status, type, null, now).kind).toBe(kind);
  });

  test('reads Retry-After as seconds or as an HTTP date', () => {
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('Fri, 04 Dec 2026 12:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  test('waits the server retry time first, then doubles with jitter up to the ceiling', () => {
    expect(backoffMs(1000, 1, 30_000, 0)).toBe(1000);
    expect(backoffMs(1000, 2, 30_000, 1)).toBe(2000);
    expect(backoffMs(1000, 3, 30_000, 0)).toBe(2000);
    expect(backoffMs(1000, 30, 30_000, 1)).toBe(30_000);
  });

  test('turns the gateway error body into a GatewayError, with a fallback per status', () => {
    const body = { error: { code: 'forbidden', message: 'Stream not in token.' } };
    expect(fatalError(403, body)).toMatchObject(body.error);
    expect(fatalError(401, '<html>')).toMatchObject({ code: 'unauthorized' });
    expect(fatalError(418, { error: { code: 'teapot' } })).toMatchObject({ code: 'internal' });
  });
});
