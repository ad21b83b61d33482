/** Structured logging: one JSON line per state change, never per message, never a secret. */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

export type Logger = {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
};

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const MAX_VALUE_CHARS = 300;

/** A logger writing JSON lines to `write` (stderr by default) at `level` and above. */
export function createLogger(
  level: LogLevel,
  write: (line: string) => void = (line) => process.stderr.write(line),
): Logger {
  const at =
    (lineLevel: LogLevel) =>
    (message: string, fields: LogFields = {}) => {
      if (RANK[lineLevel] < RANK[level]) return;
      const record: LogFields = { time: new Date().toISOString(), level: lineLevel, msg: message };
      for (const [key, value] of Object.entries(fields)) record[key] = truncate(value);
      write(`${JSON.stringify(record)}\n`);
    };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** A logger that drops everything, for tests that build gateways in-process. */
export const silentLogger: Logger = createLogger('error', () => {});

/** Long values (a hostile header, a huge payload) are cut so one line stays one line. */
function truncate(value: unknown): unknown {
  if (typeof value === 'string' && value.length > MAX_VALUE_CHARS) {
    return `${value.slice(0, MAX_VALUE_CHARS)}…(${value.length} chars)`;
  }
  return value;
}
