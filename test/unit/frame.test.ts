import { describe, expect, test } from 'bun:test';
import { createParser } from 'eventsource-parser';
import { encodeComment, encodeData, encodeEntryBody, encodeFrame } from '../../src/sse/frame.ts';

/** Parses bytes with a spec-conformant parser, optionally one character at a time. */
function parse(text: string, byChar = false) {
  const events: Array<{ event: string | undefined; data: string; id: string | undefined }> = [];
  const parser = createParser({
    onEvent: (e) => events.push({ event: e.event, data: e.data, id: e.id }),
  });
  if (byChar) for (const ch of text) parser.feed(ch);
  else parser.feed(text);
  return events;
}

describe('encodeFrame', () => {
  test('writes id, event and data with one space and a blank line', () => {
    expect(encodeFrame({ id: '1-0', event: 'chain', data: '{"a":1}' })).toBe(
      'id: 1-0\nevent: chain\ndata: {"a":1}\n\n',
    );
  });

  test('writes retry first and keeps retry 0 and an empty id', () => {
    expect(encodeFrame({ retry: 0, id: '', data: 'x' })).toBe('retry: 0\nid: \ndata: x\n\n');
  });

  test('splits LF, CR, CRLF and mixed line breaks into data lines', () => {
    for (const [input, lines] of [
      ['a\nb', ['a', 'b']],
      ['a\rb', ['a', 'b']],
      ['a\r\nb', ['a', 'b']],
      ['a\r\rb\n', ['a', '', 'b', '']],
      ['{"s":"SPX",\r\n\r\n"seq":3}', ['{"s":"SPX",', '', '"seq":3}']],
    ] as const) {
      expect(encodeData(input)).toBe(lines.map((line) => `data: ${line}\n`).join(''));
    }
  });

  test('never puts a CR on the wire', () => {
    expect(encodeFrame({ data: 'a\r\rb\r\n' })).not.toContain('\r');
  });

  test('keeps U+2028 and U+0085 inside one data line', () => {
    expect(encodeData('a\u2028b\u0085c')).toBe('data: a\u2028b\u0085c\n');
  });

  test('keeps a leading space of the payload', () => {
    const [event] = parse(encodeFrame({ data: ' padded' }));
    expect(event?.data).toBe(' padded');
  });

  test('refuses line breaks and NUL in id and event', () => {
    expect(() => encodeFrame({ id: 'a\nb' })).toThrow(RangeError);
    expect(() => encodeFrame({ event: 'x\ry' })).toThrow(RangeError);
    expect(() => encodeFrame({ id: 'a\0' })).toThrow(RangeError);
  });

  test('refuses a negative or fractional retry', () => {
    expect(() => encodeFrame({ retry: -1 })).toThrow(RangeError);
    expect(() => encodeFrame({ retry: 1.5 })).toThrow(RangeError);
  });

  test('round-trips payloads through a parser, whole and one character at a time', () => {
    const payloads = ['{}', '', 'é ü 😀', 'a\nb', 'x'.repeat(200_000), '{"n":\n1}\n'];
    for (const payload of payloads) {
      const bytes = encodeFrame({ id: '5-1', event: 'chain', data: payload });
      for (const byChar of [false, true]) {
        const [event] = parse(bytes, byChar && payload.length < 1000);
        expect(event).toEqual({ event: 'chain', data: payload, id: '5-1' });
      }
    }
  });
});

describe('encodeComment', () => {
  test('writes a comment that no parser turns into an event', () => {
    const text = encodeComment('heartbeat');
    expect(text).toBe(': heartbeat\n\n');
    expect(parse(text)).toEqual([]);
  });
});

describe('encodeEntryBody', () => {
  test('is the event and data part of a frame, ready for an id in front', () => {
    expect(`id: 1-1\n${encodeEntryBody('chain', 'a\nb')}`).toBe(
      encodeFrame({ id: '1-1', event: 'chain', data: 'a\nb' }),
    );
  });
});
