/** The SSE route's query string, validated with zod; messages never echo the input. */
import { z } from 'zod';
import type { FieldCondition } from '../hub/subscription.ts';

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

const FIELD = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const FIELD_VALUE = /^[^,|:]{1,128}$/;

/** `field:value[|value...]` conditions, comma-separated; all must hold (case 005 syntax). */
const whereList = z.string().transform((text, ctx) => {
  const conditions: FieldCondition[] = [];
  for (const item of text.split(',')) {
    const at = item.indexOf(':');
    const field = item.slice(0, at);
    const values = item.slice(at + 1).split('|');
    if (at <= 0 || !FIELD.test(field) || !values.every((value) => FIELD_VALUE.test(value))) {
      ctx.addIssue({ code: 'custom', message: 'where takes field:value[|value],... conditions' });
      return z.NEVER;
    }
    conditions.push({ field, values: new Set(values) });
  }
  if (conditions.length > 16) {
    ctx.addIssue({ code: 'custom', message: 'where takes at most 16 conditions' });
    return z.NEVER;
  }
  return conditions;
});

/** Date, or date and time with optional seconds, fraction and zone (Z or ±hh:mm). */
const ISO_8601 =
  /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/** ISO-8601 or epoch milliseconds, as epoch milliseconds. */
const pointInTime = z.string().transform((text, ctx) => {
  const iso = ISO_8601.test(text);
  const ms = /^\d{1,16}$/.test(text) ? Number(text) : iso ? Date.parse(text) : Number.NaN;
  if (!Number.isFinite(ms) || ms < 0) {
    ctx.addIssue({ code: 'custom', message: 'since takes an ISO-8601 time or epoch milliseconds' });
    return z.NEVER;
  }
  if (ms > Date.now() + 60_000) {
    ctx.addIssue({ code: 'custom', message: 'since lies more than a minute in the future' });
    return z.NEVER;
  }
  return ms;
});

const flag = z
  .enum(['1', '0', 'true', 'false'], { message: 'snapshot takes 1 or 0' })
  .transform((value) => value === '1' || value === 'true');

export const sseQuerySchema = z.object({
  streams: commaList('streams', STREAM_NAME, 64).optional(),
  symbols: commaList('symbols', SYMBOL, MAX_SYMBOLS).optional(),
  lastEventId: z.string().max(4096, 'lastEventId is longer than 4096 characters').optional(),
  snapshot: flag.optional(),
  since: pointInTime.optional(),
  maxRate: z.coerce
    .number({ message: 'maxRate takes a number of updates per second' })
    .positive('maxRate must be above 0')
    .max(1000, 'maxRate must be at most 1000')
    .optional(),
  where: whereList.optional(),
});

export type SseQuery = z.infer<typeof sseQuerySchema>;
