/** The demo's settings from the environment: one zod schema, parsed once, every error at once. */
import { z } from 'zod';
import { GatewayError } from '../errors.ts';

const schema = z.object({
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
    .optional()
    .describe('use this Redis instead of starting a private redis-server'),
  STREAM_PREFIX: z
    .string()
    .min(1)
    .default('demo:')
    .describe('key prefix of the demo streams, passed on to the gateway'),
  PORT: z.coerce
    .number()
    .int()
    .min(1)
    .max(65535)
    .optional()
    .describe('gateway port; default 7000, or a free port when 7000 is taken'),
  HOST: z.string().min(1).default('127.0.0.1').describe('gateway listen address'),
  DEMO_RATE: z.coerce
    .number()
    .positive()
    .max(100_000)
    .default(200)
    .describe('chain updates per second, SPX and QQQ together'),
  DEMO_SPEED: z.coerce
    .number()
    .positive()
    .max(1000)
    .default(5)
    .describe('how much faster than real life the spots move'),
  DEMO_SEED: z.coerce.number().int().optional().describe('seed for a reproducible feed'),
});

export type DemoConfig = Readonly<z.infer<typeof schema>>;

/** Parses the demo's variables; an invalid one throws `invalid_config` naming every bad key. */
export function loadDemoConfig(env: Record<string, string | undefined>): DemoConfig {
  // An empty variable means "not set", as in most shells' `VAR= command`.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));
  const parsed = schema.safeParse(present);
  if (parsed.success) return Object.freeze(parsed.data);
  const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  throw new GatewayError('invalid_config', `Invalid demo settings: ${problems.join('; ')}.`);
}
