/** Stream connections as they open, are refused and end: counted, and logged at debug level. */
import type { MiddlewareHandler } from 'hono';
import { Counter, type Registry } from 'prom-client';
import { redactUrl } from '../auth/index.ts';
import type { Admission } from '../hub/admission.ts';
import type { Client, CloseReason } from '../hub/client.ts';
import { asGatewayError } from '../http/respond.ts';
import type { Logger } from '../log.ts';

export type ConnectionMetrics = {
  /** Middleware for the stream routes: counts each outcome and logs it in one debug line. */
  observe: MiddlewareHandler;
  /** For the client's single close path: one debug line (Admission counts the reason). */
  onClose: (client: Client, reason: CloseReason) => void;
};

type ConnectKind = 'new' | 'resumed';

/**
 * Labels are bounded sets only (connect kind, error code, close reason): never a token, a
 * symbol, an address or a URL. Logged URLs are redacted, as tokens may ride in the query.
 */
export function createConnectionMetrics(
  registry: Registry,
  admission: Admission,
  log: Logger,
): ConnectionMetrics {
  const connects: Record<ConnectKind, number> = { new: 0, resumed: 0 };
  const rejected = new Map<string, number>();
  new Counter({
    name: 'sse_gateway_connects_total',
    help: 'Event streams opened, new or resumed with a Last-Event-ID',
    labelNames: ['kind'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [kind, count] of Object.entries(connects)) this.inc({ kind }, count);
    },
  });
  new Counter({
    name: 'sse_gateway_rejected_connects_total',
    help: 'Stream requests answered with an error, by error code',
    labelNames: ['code'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [code, count] of rejected) this.inc({ code }, count);
    },
  });
  new Counter({
    name: 'sse_gateway_disconnects_total',
    help: 'Event streams ended, by reason (slow = evicted for falling behind)',
    labelNames: ['reason'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [reason, count] of Object.entries(admission.closedBy)) {
        this.inc({ reason }, count);
      }
    },
  });

  return {
    observe: async (c, next) => {
      await next();
      if (c.req.method === 'HEAD') return; // answered without opening a stream
      const { pathname, search } = new URL(c.req.url);
      const url = redactUrl(pathname + search);
      if (c.res.status === 200 && c.error === undefined) {
        const resumed =
          c.req.header('last-event-id') !== undefined || c.req.query('lastEventId') !== undefined;
        const kind: ConnectKind = resumed ? 'resumed' : 'new';
        connects[kind]++;
        log.debug('client connected', { url, kind });
        return;
      }
      const code = c.error === undefined ? `http_${c.res.status}` : asGatewayError(c.error).code;
      rejected.set(code, (rejected.get(code) ?? 0) + 1);
      log.debug('client rejected', { url, code });
    },
    onClose: (client, reason) => {
      log.debug('client disconnected', {
        client: client.id,
        reason,
        streams: client.subscription.streams,
        durationMs: Date.now() - client.connectedAt,
      });
    },
  };
}
