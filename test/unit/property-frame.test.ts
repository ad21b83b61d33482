/** Property: whatever the payload and however the bytes are cut, a parser gets it back. */
import { describe, expect, test } from 'bun:test';
import { createParser } from 'eventsource-parser';
import fc from 'fast-check';
import { encodeComment, encodeEntryBody, encodeFrame } from '../../src/sse/frame.ts';

type Parsed = { event: string | undefined; data: string; id: string | undefined };
type Sent = { id: string; event: string; data: string };

/** Pieces that break naive encoders, mixed with arbitrary text (any Unicode code point). */
const tricky = fc.constantFrom(
  '\n',
  '\r',
  '\r\n',
  '\n\r',
  '\r\r',
  ' ',
  '  ',
  ':',
  'data: x',
  'id: 9-9',
  'event: gap',
  '\u2028',
  '\u2029',
  '\u0085',
  '\u000b',
  '\u000c',
  'é',
  '😀',
  '\ufeff',
  '\t',
  '{"a":1}',
);
const payload = fc
  .array(fc.oneof(tricky, fc.string({ unit: 'binary', maxLength: 20 })), { maxLength: 12 })
  .map((parts) => parts.join(''));
/** Redis ids, multi-stream cursors, and any text a field may legally hold. */
const singleLine = fc.string({ unit: 'binary', maxLength: 30 }).filter((s) => !/[\r\n\0]/.test(s));
const u64 = fc.bigInt(0n, 2n ** 64n - 1n);
const id = fc.oneof(
  fc.tuple(u64, u64).map(([ms, seq]) => `${ms}-${seq}`),
  fc.constant('chain-feed=1733300000000-3;timeseries=1733300000000-0'),
  singleLine.filter((s) => s !== ''),
);
const eventName = fc
  .oneof(fc.constantFrom('chain', 'timeseries', 'a.b:c-d_e'), singleLine)
  .filter((s) => s.trim() !== '');

/** The only change the event-stream format makes to data: every line break becomes LF. */
const expectedData = (data: string) => data.replace(/\r\n|\r/g, '\n');

/** Feeds the UTF-8 bytes of `text` cut at `cuts` (byte offsets), as a network would. */
function parseInChunks(text: string, cuts: readonly number[]): Parsed[] {
  const events: Parsed[] = [];
  const parser = createParser({
    onEvent: (e) => events.push({ event: e.event, data: e.data, id: e.id }),
  });
  const bytes = new TextEncoder().encode(text);
  const decoder = new TextDecoder();
  const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
  let from = 0;
  for (const to of [...points, bytes.length]) {
    parser.feed(decoder.decode(bytes.subarray(from, to), { stream: true }));
    from = to;
  }
  parser.feed(decoder.decode());
  return events;
}

const asParsed = (sent: readonly Sent[]) =>
  sent.map(({ id, event, data }) => ({ id, event, data: expectedData(data) }));

describe('frame encoding against a conformant parser (fast-check)', () => {
  test('encodeFrame round-trips data, id and event, whole and in any chunking', () => {
    const frame = fc.record({ id, event: eventName, data: payload });
    const cuts = fc.array(fc.nat(), { maxLength: 40 });
    fc.assert(
      fc.property(fc.array(frame, { minLength: 1, maxLength: 5 }), cuts, (sent, at) => {
        const wire = sent.map((f) => encodeFrame(f)).join('');
        expect(wire).not.toContain('\r');
        expect(parseInChunks(wire, [])).toEqual(asParsed(sent));
        expect(parseInChunks(wire, at)).toEqual(asParsed(sent));
      }),
      { numRuns: 400 },
    );
  });

  test('the broadcaster path (id line + entry body) matches, with heartbeats in between', () => {
    const entry = fc.record({ id, event: eventName, data: payload });
    const item = fc.record({ entry, heartbeat: fc.boolean(), note: singleLine });
    const items = fc.array(item, { minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(items, fc.array(fc.nat()), (list, at) => {
        let wire = encodeFrame({ retry: 2345, event: 'connected', data: '{"status":"ok"}' });
        for (const { entry: e, heartbeat, note } of list) {
          wire += `id: ${e.id}\n${encodeEntryBody(e.event, e.data)}`;
          if (heartbeat) wire += encodeComment(note);
        }
        const expected = [
          { id: undefined, event: 'connected', data: '{"status":"ok"}' },
          ...asParsed(list.map((i) => i.entry)),
        ];
        expect(parseInChunks(wire, at)).toEqual(expected);
      }),
      { numRuns: 400 },
    );
  });

  test('a payload can never inject a field or an event', () => {
    fc.assert(
      fc.property(payload, (data) => {
        const wire = encodeFrame({ id: '1-0', event: 'chain', data });
        const lines = wire.split('\n').slice(0, -2);
        expect(lines.slice(0, 2)).toEqual(['id: 1-0', 'event: chain']);
        for (const line of lines.slice(2)) expect(line.startsWith('data: ')).toBe(true);
        expect(parseInChunks(wire, [])).toHaveLength(1);
      }),
      { numRuns: 1000 },
    );
  });
});
