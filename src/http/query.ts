/** The SSE route's query string, validated with zod; messages never echo the input. */
import { z } from 'zod';

const STREAM_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const SYMBOL = /^[A-Za-z0-9._:/^$#@+-]{1,64}$/;
export const MAX_SYMBOLS = 256;

/** A comma-separated list where every item must be present and well-formed. */
function commaList(what: string, pattern: RegExp, max: number) {
  return z.string().transform((text, ctx) => {
    const items = text.split(',').map((item) => item.trim());
    if (items.some((item) => item === '')) {
      ctx.addIssue({ code: 'custom', message: `${what} has an empty item` });
      return z.NEVER;
    }
    if (items.length > max) {
      ctx.addIssue({ code: 'custom', message: `${what} lists more than ${max} items` });
      return z.NEVER;
    }
    if (!items.every((item) => pattern.test(item))) {
      ctx.addIssue({ code: 'custom', message: `${what} must match ${pattern.source}` });
      return z.NEVER;
    }
    return items;
  });
}

export const sseQuerySchema = z.object({
  streams: commaList('streams', STREAM_NAME, 64).optional(),
  symbols: commaList('symbols', SYMBOL, MAX_SYMBOLS).optional(),
  lastEventId: z.string().max(4096, 'lastEventId is longer than 4096 characters').optional(),
});

export type SseQuery = z.infer<typeof sseQuerySchema>;
