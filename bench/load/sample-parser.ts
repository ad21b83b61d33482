// Parses a sampled connection's SSE body line by line to read each event's `seq` and `ts`.
/**
 * Works on bytes: only the `"seq":` and `"ts":` numbers of a payload are decoded, so a 2 KB
 * payload costs two searches, not a JSON.parse. Lines end in LF or CRLF (every peer we run
 * sends LF); comments (heartbeats) and other events are skipped.
 */
const LF = 10;
const CR = 13;
const COLON = 58;
const SEQ = Buffer.from('"seq":');
const TS = Buffer.from('"ts":');

function isNumberByte(byte: number): boolean {
  // 0-9 . - + e E
  return (
    (byte >= 48 && byte <= 57) || byte === 46 || byte === 45 || byte === 43 || (byte | 32) === 101
  );
}

function numberAfter(data: Buffer, key: Buffer): number {
  const at = data.indexOf(key);
  if (at === -1) return Number.NaN;
  let end = at + key.length;
  while (end < data.length && isNumberByte(data[end] ?? 0)) end += 1;
  return Number(data.toString('latin1', at + key.length, end));
}

export type EventSink = (seq: number, ts: number, arrivedAt: number) => void;

export class SampleParser {
  private pending: Buffer = Buffer.alloc(0);
  private event = '';
  private data: Buffer[] = [];
  heartbeats = 0;

  constructor(
    private readonly wanted: string,
    private readonly sink: EventSink,
  ) {}

  push(chunk: Buffer, arrivedAt: number): void {
    const buffer = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    let start = 0;
    let eol = buffer.indexOf(LF, start);
    while (eol !== -1) {
      const end = eol > start && buffer[eol - 1] === CR ? eol - 1 : eol;
      this.line(buffer.subarray(start, end), arrivedAt);
      start = eol + 1;
      eol = buffer.indexOf(LF, start);
    }
    this.pending = Buffer.from(buffer.subarray(start));
  }

  private line(line: Buffer, arrivedAt: number): void {
    if (line.length === 0) return this.dispatch(arrivedAt);
    if (line[0] === COLON) {
      this.heartbeats += 1;
      return;
    }
    const colon = line.indexOf(COLON);
    const field = line.toString('latin1', 0, colon === -1 ? line.length : colon);
    let value = colon === -1 ? Buffer.alloc(0) : line.subarray(colon + 1);
    if (value[0] === 32) value = value.subarray(1);
    if (field === 'event') this.event = value.toString('utf8');
    else if (field === 'data') this.data.push(value);
  }

  private dispatch(arrivedAt: number): void {
    const wanted = this.event === this.wanted && this.data.length > 0;
    if (wanted) {
      const payload = this.data.length === 1 ? (this.data[0] as Buffer) : joinLines(this.data);
      this.sink(numberAfter(payload, SEQ), numberAfter(payload, TS), arrivedAt);
    }
    this.event = '';
    this.data = [];
  }
}

function joinLines(lines: Buffer[]): Buffer {
  const parts: Buffer[] = [];
  lines.forEach((line, i) => parts.push(i === 0 ? line : Buffer.concat([Buffer.from('\n'), line])));
  return Buffer.concat(parts);
}
