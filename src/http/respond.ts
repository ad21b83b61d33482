/** Maps failures to the contract's JSON error body, in one place. */
import type { Context } from 'hono';
import { GatewayError } from '../errors.ts';

export function errorResponse(c: Context, error: GatewayError): Response {
  c.status(error.status as 400);
  if (error.code === 'unauthorized') c.header('WWW-Authenticate', 'Bearer');
  if (error.retryAfterSeconds !== undefined) {
    c.header('Retry-After', String(error.retryAfterSeconds));
  }
  c.header('Cache-Control', 'no-store');
  return c.json(error.toBody());
}

/** Any thrown value as a GatewayError; unknown errors become a generic 500. */
export function asGatewayError(error: unknown): GatewayError {
  if (error instanceof GatewayError) return error;
  return new GatewayError('internal', 'the gateway failed to handle this request', {
    cause: error,
  });
}
