// Polling with a deadline, for the few places where no event tells us a state was reached.
import { GatewayError } from '../../src/errors.ts';

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` every `everyMs` until it returns true; throws once `timeoutMs` has passed. */
export async function waitFor(
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
  everyMs = 100,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // Not ready yet (connection refused and the like): the deadline decides.
    }
    if (Date.now() > deadline) {
      throw new GatewayError('internal', `${what} did not happen within ${timeoutMs} ms`);
    }
    await delay(everyMs);
  }
}

/** GET a loopback URL and return its status and body, or throw on a network error. */
export async function httpGet(
  url: string,
  timeoutMs = 2000,
): Promise<{ status: number; body: string }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  return { status: response.status, body: await response.text() };
}
