// Counts SSE frames of one event name by scanning bytes, never decoding them (the hot path).
/**
 * Looks for "\nevent: <name>\n". A field line starts a line, and a JSON payload on a `data:`
 * line holds no raw line break, so the needle cannot match inside a payload. A match that
 * straddles two reads is found by comparing the previous read's tail with the new head, in
 * place: this runs once per socket read, so it allocates nothing.
 */
export class FrameCounter {
  private readonly needle: Buffer;
  /** The last needle-1 bytes seen, right-aligned; starts as "\n" (the body starts a line). */
  private readonly tail: Buffer;
  private tailLength = 1;
  count = 0;
  bytes = 0;

  constructor(event: string) {
    this.needle = Buffer.from(`\nevent: ${event}\n`);
    this.tail = Buffer.alloc(this.needle.length - 1);
    this.tail[this.tail.length - 1] = 10;
  }

  push(chunk: Buffer): void {
    this.bytes += chunk.length;
    this.count += this.straddling(chunk);
    let at = chunk.indexOf(this.needle, 0);
    while (at !== -1) {
      this.count += 1;
      at = chunk.indexOf(this.needle, at + this.needle.length);
    }
    this.keepTail(chunk);
  }

  /** Matches that start in the kept tail (k bytes of it) and end in `chunk`. */
  private straddling(chunk: Buffer): number {
    const { needle, tail } = this;
    let found = 0;
    for (let k = Math.min(this.tailLength, needle.length - 1); k >= 1; k -= 1) {
      const rest = needle.length - k;
      if (chunk.length < rest || tail[tail.length - k] !== needle[0]) continue;
      if (tail.compare(needle, 0, k, tail.length - k) !== 0) continue;
      if (chunk.compare(needle, k, needle.length, 0, rest) === 0) found += 1;
    }
    return found;
  }

  private keepTail(chunk: Buffer): void {
    const size = this.tail.length;
    if (chunk.length >= size) {
      chunk.copy(this.tail, 0, chunk.length - size);
      this.tailLength = size;
      return;
    }
    // A read shorter than the tail: shift the old bytes left and append the new ones.
    this.tail.copy(this.tail, 0, chunk.length);
    chunk.copy(this.tail, size - chunk.length);
    this.tailLength = Math.min(size, this.tailLength + chunk.length);
  }
}
