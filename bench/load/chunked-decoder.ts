// Strips HTTP/1.1 chunked transfer-coding framing, passing body slices on without copying.
type State = 'size' | 'data' | 'crlf' | 'done';

export class ChunkedDecoder {
  private state: State = 'size';
  private sizeLine = '';
  private remaining = 0;
  private crlfLeft = 0;

  constructor(private readonly onData: (slice: Buffer) => void) {}

  /** Feeds raw socket bytes; returns false once the terminating zero-size chunk was seen. */
  push(buffer: Buffer): boolean {
    let at = 0;
    while (at < buffer.length && this.state !== 'done') {
      if (this.state === 'size') {
        const eol = buffer.indexOf(10, at);
        const end = eol === -1 ? buffer.length : eol;
        this.sizeLine += buffer.toString('latin1', at, end);
        at = end;
        if (eol === -1) break;
        at += 1;
        // Chunk extensions (";name=value") follow the hex size and are ignored.
        this.remaining = Number.parseInt(this.sizeLine.trim(), 16);
        this.sizeLine = '';
        this.state = this.remaining > 0 ? 'data' : 'done';
      } else if (this.state === 'data') {
        const take = Math.min(this.remaining, buffer.length - at);
        this.onData(buffer.subarray(at, at + take));
        at += take;
        this.remaining -= take;
        if (this.remaining === 0) {
          this.state = 'crlf';
          this.crlfLeft = 2;
        }
      } else {
        const skip = Math.min(this.crlfLeft, buffer.length - at);
        at += skip;
        this.crlfLeft -= skip;
        if (this.crlfLeft === 0) this.state = 'size';
      }
    }
    return this.state !== 'done';
  }
}
