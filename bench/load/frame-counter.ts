// Counts SSE frames of one event name by scanning bytes, never decoding them (the hot path).
/**
 * Looks for "\nevent: <name>\n". A field line starts a line, and a JSON payload on a `data:`
 * line holds no raw line break, so the needle cannot match inside a payload. Matches that
 * straddle two reads are found through the last needle-1 bytes kept from the previous read.
 */
export class FrameCounter {
  private readonly needle: Buffer;
  private carry: Buffer;
  count = 0;
  bytes = 0;

  constructor(event: string) {
    this.needle = Buffer.from(`\nevent: ${event}\n`);
    // The body starts at a line start, as if a line break came before it.
    this.carry = Buffer.from('\n');
  }

  push(chunk: Buffer): void {
    const keep = this.needle.length - 1;
    this.bytes += chunk.length;
    if (this.carry.length > 0) {
      const joint = Buffer.concat([this.carry, chunk.subarray(0, keep)]);
      this.count += this.countIn(joint);
    }
    this.count += this.countIn(chunk);
    const tail = chunk.length >= keep ? chunk : Buffer.concat([this.carry, chunk]);
    this.carry = Buffer.from(tail.subarray(Math.max(0, tail.length - keep)));
  }

  private countIn(buffer: Buffer): number {
    let found = 0;
    let at = buffer.indexOf(this.needle, 0);
    while (at !== -1) {
      found += 1;
      at = buffer.indexOf(this.needle, at + this.needle.length);
    }
    return found;
  }
}
