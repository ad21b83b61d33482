// The load client's byte-level parsing: frame counting, chunked decoding, seq and latency reads.
import { describe, expect, test } from 'bun:test';
import { ChunkedDecoder } from '../load/chunked-decoder.ts';
import { FrameCounter } from '../load/frame-counter.ts';
import { Histogram } from '../load/histogram.ts';
import { SampleParser } from '../load/sample-parser.ts';
import { SeqTracker } from '../load/seq-tracker.ts';

const frame = (seq: number): string =>
  `id: 1-${seq}\nevent: chain\ndata: {"symbol":"SPX","seq":${seq},"ts":${1000 + seq}.5}\n\n`;
const body =
  `event: connected\ndata: {"status":"ok"}\n\n: hb\n\n${frame(1)}${frame(2)}` +
  `event: other\ndata: {"seq":99}\n\n${frame(3)}`;

/** Feeds `text` in two reads split at `at`. */
function splitAt(text: string, at: number): Buffer[] {
  const bytes = Buffer.from(text);
  return [bytes.subarray(0, at), bytes.subarray(at)];
}

function chunked(text: string, size: number): string {
  let out = '';
  for (let i = 0; i < text.length; i += size) {
    const part = text.slice(i, i + size);
    out += `${Buffer.byteLength(part).toString(16)}\r\n${part}\r\n`;
  }
  return `${out}0\r\n\r\n`;
}

describe('FrameCounter', () => {
  test('counts the frames of one event name wherever a read boundary falls', () => {
    for (let at = 0; at <= Buffer.byteLength(body); at += 1) {
      const counter = new FrameCounter('chain');
      for (const part of splitAt(body, at)) counter.push(part);
      expect(counter.count).toBe(3);
    }
  });

  test('counts a frame that opens the body', () => {
    const counter = new FrameCounter('chain');
    counter.push(Buffer.from(frame(7).slice(frame(7).indexOf('event'))));
    expect(counter.count).toBe(1);
  });

  test('counts frames fed one byte at a time', () => {
    const counter = new FrameCounter('chain');
    for (const byte of Buffer.from(body)) counter.push(Buffer.from([byte]));
    expect(counter.count).toBe(3);
  });
});

describe('ChunkedDecoder', () => {
  test('gives back the body unchanged wherever reads split the framing', () => {
    const wire = chunked(body, 17);
    for (let at = 0; at <= wire.length; at += 1) {
      const parts: Buffer[] = [];
      const decoder = new ChunkedDecoder((slice) => parts.push(Buffer.from(slice)));
      for (const part of splitAt(wire, at)) decoder.push(part);
      expect(Buffer.concat(parts).toString()).toBe(body);
    }
  });

  test('reports the end of the body at the zero-size chunk', () => {
    const decoder = new ChunkedDecoder(() => undefined);
    expect(decoder.push(Buffer.from('3\r\nabc\r\n'))).toBe(true);
    expect(decoder.push(Buffer.from('0\r\n\r\n'))).toBe(false);
  });
});

describe('SampleParser', () => {
  const parse = (text: string): Array<[number, number]> => {
    const seen: Array<[number, number]> = [];
    const parser = new SampleParser('chain', (seq, ts) => seen.push([seq, ts]));
    for (let at = 0; at < text.length; at += 5) parser.push(Buffer.from(text.slice(at, at + 5)), 0);
    return seen;
  };

  test('reads seq and ts of the wanted event only, skipping comments and other events', () => {
    expect(parse(body)).toEqual([
      [1, 1001.5],
      [2, 1002.5],
      [3, 1003.5],
    ]);
  });

  test('reads CRLF line endings like LF', () => {
    expect(parse(body.replaceAll('\n', '\r\n'))).toEqual([
      [1, 1001.5],
      [2, 1002.5],
      [3, 1003.5],
    ]);
  });

  test('joins a payload split over several data lines', () => {
    expect(parse('event: chain\ndata: {"seq":4,\ndata: "ts":9}\n\n')).toEqual([[4, 9]]);
  });
});

describe('SeqTracker', () => {
  test('counts missed, duplicated and reordered events of a window', () => {
    const tracker = new SeqTracker();
    tracker.reset(100);
    for (const seq of [99, 100, 101, 101, 103, 102, 105]) tracker.record(seq);
    expect(tracker.summary(106)).toEqual({ received: 6, missed: 1, dups: 1, reordered: 1 });
  });

  test('grows past its first allocation without losing what it saw', () => {
    const tracker = new SeqTracker();
    tracker.reset(0);
    for (let seq = 0; seq < 5000; seq += 1) tracker.record(seq);
    expect(tracker.summary(5000).missed).toBe(0);
  });
});

describe('Histogram', () => {
  test('gives percentiles within about 1 % of the exact value, and the exact max', () => {
    const histogram = new Histogram();
    for (let ms = 1; ms <= 1000; ms += 1) histogram.record(ms);
    expect(Math.abs(histogram.percentile(0.5) - 500) / 500).toBeLessThan(0.011);
    expect(Math.abs(histogram.percentile(0.99) - 990) / 990).toBeLessThan(0.011);
    expect(histogram.maxMs).toBe(1000);
  });

  test('merges what another process recorded', () => {
    const a = new Histogram();
    const b = new Histogram();
    a.record(1);
    b.record(100);
    a.merge(b.toData());
    expect(a.count).toBe(2);
    expect(a.maxMs).toBe(100);
  });
});
