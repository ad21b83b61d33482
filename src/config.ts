/** Configuration: one zod schema, the only reader of process.env, parsed once and frozen. */
import { z } from 'zod';
import { CONTROL_EVENTS } from './sse/control.ts';

const STREAM_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;

const list = (text: string): string[] =>
  text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);

/** `a:b,c:d` → Map { a → b, c → d }. */
const pairs = (text: string): Map<string, string> => {
  const map = new Map<string, string>();
  for (const item of list(text)) {
    const at = item.indexOf(':');
    if (at <= 0 || at === item.length - 1) throw new Error(`${quoted(item)} is not name:value`);
    map.set(item.slice(0, at).trim(), item.slice(at + 1).trim());
  }
  return map;
};

/** A value inside a message: JSON-quoted, so a line break in it cannot split the line. */
const quoted = (text: string): string => JSON.stringify(text.slice(0, 80));

const HOST_PORT = /^[A-Za-z0-9.-]+:\d{1,5}$|^\[[0-9A-Fa-f:]+\]:\d{1,5}$/;
const hostPorts = z
  .string()
  .refine(
    (text) => list(text).length > 0 && list(text).every((item) => HOST_PORT.test(item)),
    'expected host:port,host:port',
  );

const int = (min: number, max: number) =>
  z.coerce
    .number({ message: `expected a whole number from ${min} to ${max}` })
    .int(`expected a whole number from ${min} to ${max}`)
    .min(min, `expected a whole number from ${min} to ${max}`)
    .max(max, `expected a whole number from ${min} to ${max}`);

const streamList = z
  .string()
  .transform(list)
  .pipe(
    z
      .array(
        z
          .string()
          .regex(STREAM_NAME, 'stream names match [a-z0-9][a-z0-9._-]{0,63}')
          .refine((name) => !isReserved(name), 'stream names may not be a control event name'),
      )
      .min(1, 'at least one stream name is needed'),
  );

const nameMap = z.string().transform((text, ctx) => {
  try {
    return pairs(text);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: `${(error as Error).message} (expected a:b,c:d)` });
    return z.NEVER;
  }
});

function isReserved(name: string): boolean {
  return (CONTROL_EVENTS as readonly string[]).includes(name) || name === 'error';
}

/** Every environment variable: exported for `sse-gateway --help`, read only by loadConfig. */
export const schema = z
  .object({
    PORT: int(0, 65535).default(7000).describe('TCP port to listen on'),
    HOST: z.string().min(1).default('0.0.0.0').describe('address to listen on'),
    REDIS_URL: z
      .string()
      .regex(/^rediss?:\/\//, 'expected redis://host:port or rediss://host:port')
      .default('redis://127.0.0.1:6379')
      .describe('Redis server URL'),
    REDIS_SENTINELS: hostPorts.optional().describe('host:port,... of Redis Sentinels'),
    REDIS_SENTINEL_NAME: z.string().default('mymaster').describe('Sentinel master name'),
    REDIS_CLUSTER_NODES: hostPorts.optional().describe('host:port,... of Redis Cluster nodes'),
    STREAM_PREFIX: z.string().default('sse:').describe('prefix of every stream key'),
    STREAMS: streamList.default(['chain-feed', 'timeseries']).describe('readable stream names'),
    STREAM_EVENTS: nameMap
      .superRefine((events, ctx) => {
        for (const event of events.values()) {
          if (isReserved(event) || !/^[A-Za-z0-9._:-]{1,64}$/.test(event)) {
            ctx.addIssue({
              code: 'custom',
              message: `${quoted(event)} is reserved or not a valid event name`,
            });
          }
        }
      })
      .default(new Map([['chain-feed', 'chain']]))
      .describe('SSE event name per stream, name:event,...'),
    STREAM_KEYS: nameMap
      .default(new Map([['chain-feed', 'symbol+expiry+strike+right']]))
      .describe('payload fields identifying one instrument, per stream'),
    HEARTBEAT_MS: int(100, 3_600_000).default(15_000).describe('heartbeat interval (ms)'),
    RETRY_MS: int(0, 3_600_000).default(2000).describe('reconnect delay sent to browsers (ms)'),
    CLIENT_BUFFER_BYTES: int(1024, 1 << 30)
      .default(1_048_576)
      .describe('bytes a client may lag'),
    SLOW_CLIENT_POLICY: z
      .enum(['disconnect', 'conflate'])
      .default('disconnect')
      .describe('what happens to a client that falls CLIENT_BUFFER_BYTES behind'),
    MAX_ENTRY_BYTES: int(1, 1 << 30)
      .default(1_048_576)
      .describe('larger entries are skipped'),
    MAX_CLIENTS: int(0, 10_000_000).default(50_000).describe('clients in total (0 = no limit)'),
    MAX_CLIENTS_PER_KEY: int(0, 10_000_000).default(0).describe('clients per token or IP'),
    CORS_ORIGINS: z.string().transform(list).default(['*']).describe('allowed origins'),
    AUTH_TOKENS: z.string().transform(list).default([]).describe('static bearer tokens'),
    AUTH_JWT_SECRET: z.string().min(1).optional().describe('HS256 secret'),
    AUTH_JWT_PUBLIC_KEY_FILE: z.string().min(1).optional().describe('RS256/ES256 PEM key file'),
    AUTH_JWKS_FILE: z.string().min(1).optional().describe('JWKS file'),
    TLS_CERT_FILE: z.string().min(1).optional().describe('certificate (PEM) for HTTPS'),
    TLS_KEY_FILE: z.string().min(1).optional().describe('private key (PEM) for HTTPS'),
    SHUTDOWN_TIMEOUT_MS: int(0, 600_000).default(10_000).describe('SIGTERM drain time (ms)'),
    LOG_LEVEL: z
      .enum(['debug', 'info', 'warn', 'error'])
      .default('info')
      .describe('lowest level of the JSON log lines written to stderr'),
    READ_BLOCK_MS: int(10, 60_000).default(2000).describe('XREAD BLOCK timeout (ms)'),
    READ_COUNT: int(1, 100_000).default(1000).describe('XREAD COUNT per stream'),
    MAX_CATCHUPS: int(1, 10_000).default(32).describe('concurrent Last-Event-ID replays'),
    SNAPSHOT_MAX_KEYS: int(0, 10_000_000)
      .default(100_000)
      .describe('instruments per stream kept for ?snapshot=1 (0 = off)'),
    SNAPSHOT_REBUILD_ENTRIES: int(0, 10_000_000)
      .default(10_000)
      .describe('newest entries per stream read at start-up to refill the snapshot cache'),
  })
  .superRefine((env, ctx) => {
    if (env.MAX_ENTRY_BYTES > env.CLIENT_BUFFER_BYTES) {
      ctx.addIssue({
        code: 'custom',
        path: ['MAX_ENTRY_BYTES'],
        message: `must not exceed CLIENT_BUFFER_BYTES (${env.CLIENT_BUFFER_BYTES})`,
      });
    }
    if (Boolean(env.TLS_CERT_FILE) !== Boolean(env.TLS_KEY_FILE)) {
      ctx.addIssue({
        code: 'custom',
        path: ['TLS_CERT_FILE'],
        message: 'TLS_CERT_FILE and TLS_KEY_FILE must be set together',
      });
    }
  });

type Env = z.infer<typeof schema>;

/** The validated, typed configuration. */
export type Config = Readonly<{
  port: number;
  host: string;
  redisUrl: string;
  redisSentinels: readonly string[];
  redisSentinelName: string;
  redisClusterNodes: readonly string[];
  streamPrefix: string;
  streams: readonly string[];
  /** SSE event name per stream name. */
  streamEvents: ReadonlyMap<string, string>;
  /** Payload fields identifying one instrument, per stream name. */
  streamKeys: ReadonlyMap<string, readonly string[]>;
  heartbeatMs: number;
  retryMs: number;
  clientBufferBytes: number;
  slowClientPolicy: 'disconnect' | 'conflate';
  maxEntryBytes: number;
  maxClients: number;
  maxClientsPerKey: number;
  corsOrigins: readonly string[];
  authTokens: readonly string[];
  authJwtSecret: string | undefined;
  authJwtPublicKeyFile: string | undefined;
  authJwksFile: string | undefined;
  tlsCertFile: string | undefined;
  tlsKeyFile: string | undefined;
  shutdownTimeoutMs: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  readBlockMs: number;
  readCount: number;
  maxCatchups: number;
  snapshotMaxKeys: number;
  snapshotRebuildEntries: number;
}>;

/** The SSE event name that entries of `stream` are sent under. */
export function eventNameOf(config: Config, stream: string): string {
  return config.streamEvents.get(stream) ?? stream;
}

/**
 * Parses environment variables into a Config. Throws one Error listing every bad variable,
 * its problem and the expected form, so a bad start-up is fixed in one go.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const input: Record<string, string> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') input[key] = value;
  }
  const parsed = schema.safeParse(input);
  const lines = parsed.success
    ? unknownStreamNames(parsed.data, input)
    : parsed.error.issues.map((issue) => `${String(issue.path[0] ?? 'config')}: ${issue.message}`);
  if (!parsed.success || lines.length > 0) {
    throw new Error(`invalid configuration: ${lines.join('; ')}`);
  }
  return fromEnv(parsed.data);
}

/** Explicit STREAM_EVENTS / STREAM_KEYS entries must name configured streams (typos). */
function unknownStreamNames(env: Env, input: Record<string, string>): string[] {
  const problems: string[] = [];
  for (const key of ['STREAM_EVENTS', 'STREAM_KEYS'] as const) {
    if (input[key] === undefined) continue;
    for (const name of env[key].keys()) {
      if (!env.STREAMS.includes(name)) problems.push(`${key}: ${quoted(name)} is not in STREAMS`);
    }
  }
  return problems;
}

function fromEnv(env: Env): Config {
  const keys = new Map<string, readonly string[]>();
  for (const [stream, spec] of env.STREAM_KEYS) {
    if (env.STREAMS.includes(stream)) keys.set(stream, spec.split('+'));
  }
  return Object.freeze({
    port: env.PORT,
    host: env.HOST,
    redisUrl: env.REDIS_URL,
    redisSentinels: list(env.REDIS_SENTINELS ?? ''),
    redisSentinelName: env.REDIS_SENTINEL_NAME,
    redisClusterNodes: list(env.REDIS_CLUSTER_NODES ?? ''),
    streamPrefix: env.STREAM_PREFIX,
    streams: Object.freeze([...env.STREAMS]),
    streamEvents: new Map([...env.STREAM_EVENTS].filter(([s]) => env.STREAMS.includes(s))),
    streamKeys: keys,
    heartbeatMs: env.HEARTBEAT_MS,
    retryMs: env.RETRY_MS,
    clientBufferBytes: env.CLIENT_BUFFER_BYTES,
    slowClientPolicy: env.SLOW_CLIENT_POLICY,
    maxEntryBytes: env.MAX_ENTRY_BYTES,
    maxClients: env.MAX_CLIENTS,
    maxClientsPerKey: env.MAX_CLIENTS_PER_KEY,
    corsOrigins: env.CORS_ORIGINS,
    authTokens: env.AUTH_TOKENS,
    authJwtSecret: env.AUTH_JWT_SECRET,
    authJwtPublicKeyFile: env.AUTH_JWT_PUBLIC_KEY_FILE,
    authJwksFile: env.AUTH_JWKS_FILE,
    tlsCertFile: env.TLS_CERT_FILE,
    tlsKeyFile: env.TLS_KEY_FILE,
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    logLevel: env.LOG_LEVEL,
    readBlockMs: env.READ_BLOCK_MS,
    readCount: env.READ_COUNT,
    maxCatchups: env.MAX_CATCHUPS,
    snapshotMaxKeys: env.SNAPSHOT_MAX_KEYS,
    snapshotRebuildEntries: env.SNAPSHOT_REBUILD_ENTRIES,
  });
}
