/** Response headers of an event stream (cases 007 and 008). */

/**
 * `no-transform` keeps proxies and compression from holding events back, and
 * `X-Accel-Buffering: no` turns off nginx's response buffering for this response. No
 * `Content-Length`, `Connection` or `Transfer-Encoding`: they are the runtime's business
 * and forbidden on HTTP/2.
 */
export const SSE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Content-Type': 'text/event-stream',
  'Cache-Control': 'no-cache, no-transform',
  'X-Accel-Buffering': 'no',
});
