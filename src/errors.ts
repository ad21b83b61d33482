/** The one error type of the gateway: a stable code, a message that says how to fix it. */

/** Every failure a client or an operator can be told about, with its HTTP status. */
export const ERROR_STATUS = {
  unauthorized: 401,
  invalid_query: 400,
  invalid_last_event_id: 400,
  forbidden: 403,
  unknown_stream: 404,
  not_found: 404,
  too_many_connections: 429,
  at_capacity: 503,
  redis_unavailable: 503,
  shutting_down: 503,
  invalid_config: 500,
  internal: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/**
 * A failure with a machine-readable `code` and a human message.
 * Messages never contain secrets or echo untrusted input verbatim.
 */
export class GatewayError extends Error {
  readonly code: ErrorCode;
  /** Seconds a client should wait before retrying (429/503), sent as `Retry-After`. */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options: { cause?: unknown; retryAfterSeconds?: number } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'GatewayError';
    this.code = code;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }

  /** The JSON body the contract promises: `{"error":{"code","message"}}`. */
  toBody(): { error: { code: ErrorCode; message: string } } {
    return { error: { code: this.code, message: this.message } };
  }
}
