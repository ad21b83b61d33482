/** Test helper: text arriving from any byte source (curl, a socket, h2), awaited by pattern. */

export type TextTap = {
  /** Everything received so far. */
  text: () => string;
  /** Resolves with the time (Date.now) at which `pattern` first matched, or rejects after
   * `timeoutMs` with what did arrive. */
  waitFor: (pattern: RegExp, timeoutMs: number) => Promise<number>;
  /** Ends the source (kills the process, destroys the socket). */
  stop: () => void;
};

/** `subscribe` hands over a `push` to call with each chunk; `stop` ends the source. */
export function tapText(
  subscribe: (push: (chunk: Buffer | string) => void) => void,
  stop: () => void = () => {},
): TextTap {
  let text = '';
  const waiters: Array<() => void> = [];
  subscribe((chunk) => {
    text += chunk.toString();
    for (const wake of waiters.splice(0)) wake();
  });
  const waitFor = (pattern: RegExp, timeoutMs: number) =>
    new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`no ${pattern} within ${timeoutMs} ms; got ${JSON.stringify(text)}`));
      }, timeoutMs);
      const check = () => {
        if (pattern.test(text)) {
          clearTimeout(timer);
          resolve(Date.now());
        } else waiters.push(check);
      };
      check();
    });
  return { text: () => text, waitFor, stop };
}
