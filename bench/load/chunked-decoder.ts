// Strips HTTP/1.1 chunked transfer-coding framing, passing body slices on without copying.
type State = 'size' | 'data' | 'crlf' | 'done';

export class ChunkedDecoder {
  private state: State = 'size';
  private size = 0;
  /** Past a ';' on the size line: chunk extensions, ignored. */
  private inExtension = false;
  private remaining = 0;
  private crlfLeft = 0;

  constructor(private readonly onData: (slice: Buffer) => void) {}

  /** Feeds raw socket bytes; returns false once the terminating zero-size chunk was seen. */
  push(buffer: Buffer): boolean {
    let at = 0;
    while (at < buffer.length && this.state !== 'done') {
      if (this.state === 'size') {
        at = this.readSize(buffer, at);
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

  /** Reads hex digits up to the line feed; returns where it stopped. No strings: hot path. */
  private readSize(buffer: Buffer, from: number): number {
    let at = from;
    while (at < buffer.length) {
      const byte = buffer[at] as number;
      at += 1;
      if (byte === 10) {
        this.remaining = this.size;
        this.state = this.size > 0 ? 'data' : 'done';
        this.size = 0;
        this.inExtension = false;
        return at;
      }
      if (byte === 59) this.inExtension = true;
      if (this.inExtension) continue;
      const digit = byte <= 57 ? byte - 48 : (byte | 32) - 87;
      if (digit >= 0 && digit < 16) this.size = this.size * 16 + digit;
    }
    return at;
  }
}
