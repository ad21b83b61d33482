/** Test helper: HTTP/1.1 chunked transfer decoding for the raw SSE client. */

/** Decodes a chunked body (RFC 9112 §7.1) as it arrives; `onEnd` runs at the last chunk. */
export class ChunkedDecoder {
  private pending: Buffer = Buffer.alloc(0);
  /** Bytes left in the current chunk; -1 expects a size line, -2 the CRLF after data. */
  private remaining = -1;
  private done = false;

  constructor(
    private readonly out: (bytes: Buffer) => void,
    private readonly onEnd: () => void,
  ) {}

  push(bytes: Buffer): void {
    const buffer = this.pending.byteLength > 0 ? Buffer.concat([this.pending, bytes]) : bytes;
    let at = 0;
    while (at < buffer.byteLength && !this.done) {
      if (this.remaining > 0) {
        const take = Math.min(this.remaining, buffer.byteLength - at);
        this.out(buffer.subarray(at, at + take));
        at += take;
        this.remaining -= take;
        if (this.remaining === 0) this.remaining = -2;
        continue;
      }
      const eol = buffer.indexOf('\r\n', at);
      if (eol < 0) break;
      const line = buffer.toString('latin1', at, eol);
      at = eol + 2;
      if (this.remaining === -2) {
        this.remaining = -1;
        continue;
      }
      const size = Number.parseInt(line.split(';')[0] ?? '', 16);
      if (!Number.isFinite(size)) throw new Error(`bad chunk size line: ${line.slice(0, 40)}`);
      if (size === 0) {
        this.done = true;
        this.onEnd();
      } else this.remaining = size;
    }
    this.pending = Buffer.from(buffer.subarray(at));
  }
}
