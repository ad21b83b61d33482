/** What one SSE request of the typed client carries: URL, headers, and the heartbeat it learns. */
import type { SseClientOptions } from './sse-client.ts';

type RequestOptions = Pick<SseClientOptions, 'url' | 'streams' | 'symbols' | 'token'>;

/** The endpoint with `streams` and `symbols` set, resolved against the page in a browser. */
export function buildUrl(options: RequestOptions): string {
  const base = typeof location === 'undefined' ? undefined : location.href;
  const url = new URL(options.url, base);
  if (options.streams) url.searchParams.set('streams', options.streams.join(','));
  if (options.symbols) url.searchParams.set('symbols', options.symbols.join(','));
  return url.toString();
}

/** Headers of one attempt; the token function is asked each time so it can refresh. */
export async function requestHeaders(
  options: RequestOptions,
  lastEventId: string,
): Promise<Record<string, string>> {
  const headers: Record<string, string> = { accept: 'text/event-stream' };
  if (lastEventId !== '') headers['last-event-id'] = lastEventId;
  const token = typeof options.token === 'function' ? await options.token() : options.token;
  if (token) headers.authorization = `Bearer ${token}`;
  return headers;
}

/** The `heartbeatMs` a `connected` event announces, if any. */
export function heartbeatOf(data: string): number | undefined {
  try {
    const parsed: unknown = JSON.parse(data);
    const value =
      typeof parsed === 'object' && parsed !== null && 'heartbeatMs' in parsed
        ? parsed.heartbeatMs
        : undefined;
    return typeof value === 'number' && value > 0 ? value : undefined;
  } catch {
    return undefined;
  }
}
