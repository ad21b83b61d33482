/** Pure decisions of the SSE client: which answers end it, when to try again, and how long. */
import { ERROR_STATUS, type ErrorCode, GatewayError } from '../errors.ts';

/** What the client does with a response before reading any event from it. */
export type Verdict =
  | { kind: 'open' }
  | { kind: 'done' }
  | { kind: 'retry'; retryAfterMs: number | undefined }
  | { kind: 'fatal'; status: number };

/**
 * Classifies a response. Unlike EventSource, which gives up on any non-200 answer, a 429,
 * 408 or 5xx (a restarting gateway, a load balancer's 502) is retried; other 4xx answers mean
 * the request itself is wrong (bad query, token, stream) and retrying cannot help.
 */
export function classifyResponse(
  status: number,
  contentType: string | null,
  retryAfter: string | null,
  nowMs: number,
): Verdict {
  if (status === 200) {
    const mime = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
    return mime === 'text/event-stream' ? { kind: 'open' } : { kind: 'fatal', status };
  }
  // 204 is the spec's way for a server to tell a client to stop reconnecting.
  if (status === 204) return { kind: 'done' };
  if (status === 408 || status === 429 || status >= 500) {
    return { kind: 'retry', retryAfterMs: parseRetryAfter(retryAfter, nowMs) };
  }
  return { kind: 'fatal', status };
}

/** `Retry-After` as delay-seconds or an HTTP date, in ms; undefined when absent or invalid. */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^[0-9]+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/**
 * Delay before attempt number `failures` (1 = the first retry after a working stream ended):
 * the server's `retry` time, doubled per further consecutive failure up to `maxMs`, with up to
 * 50 % random reduction after the first so that many clients do not retry in step.
 */
export function backoffMs(
  retryMs: number,
  failures: number,
  maxMs: number,
  random: number,
): number {
  if (failures <= 1) return retryMs;
  const grown = Math.min(maxMs, retryMs * 2 ** Math.min(failures - 1, 20));
  return Math.round(grown * (0.5 + 0.5 * random));
}

const STATUS_CODES: Partial<Record<number, ErrorCode>> = {
  400: 'invalid_query',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
};

/** Builds the error of a fatal answer from the gateway's `{"error":{code,message}}` body. */
export function fatalError(status: number, body: unknown): GatewayError {
  const error = typeof body === 'object' && body !== null && 'error' in body ? body.error : null;
  const fields = typeof error === 'object' && error !== null ? error : {};
  const code =
    'code' in fields && typeof fields.code === 'string' && fields.code in ERROR_STATUS
      ? (fields.code as ErrorCode)
      : (STATUS_CODES[status] ?? 'internal');
  const message =
    'message' in fields && typeof fields.message === 'string'
      ? fields.message
      : `The stream was refused with HTTP ${status}; retrying would not help.`;
  return new GatewayError(code, message);
}
