/** The `sse-gateway` command line: `--help` prints the configuration reference from the schema. */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { schema } from './config.ts';

/** One environment variable as the reference shows it. */
export type ConfigVariable = {
  name: string;
  description: string;
  /** In the form the variable is written in, or undefined when unset by default. */
  defaultValue: string | undefined;
  /** Accepted values in a few words: `integer 0..65535`, `debug | info | ...`, `text`. */
  accepts: string;
};

export type CliAction = { kind: 'start' } | { kind: 'print'; text: string; exitCode: number };

type JsonProperty = {
  type?: string;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
};

/**
 * Every variable of the config schema, in schema order. Descriptions and accepted values
 * come from the schema itself, defaults from parsing an empty environment (the input side
 * of the JSON Schema has no defaults for lists and maps, which are transformed).
 */
export function configReference(): ConfigVariable[] {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as {
    properties?: Record<string, JsonProperty>;
  };
  const defaults = schema.parse({}) as Record<string, unknown>;
  return Object.entries(schema.shape).map(([name, field]) => ({
    name,
    description: field.description ?? '',
    defaultValue: asEnvText(defaults[name]),
    accepts: describeAccepted(json.properties?.[name] ?? {}),
  }));
}

/** `sse-gateway --help`: usage, then each variable with what it accepts and its default. */
export function formatHelp(variables: readonly ConfigVariable[]): string {
  const width = Math.max(...variables.map((v) => v.name.length)) + 2;
  const pad = ' '.repeat(width + 2);
  const lines = [
    'sse-gateway: streams Redis Streams to browsers as Server-Sent Events.',
    '',
    'Usage:',
    '  sse-gateway             start the gateway on Bun, configured by the environment',
    '  sse-gateway --help      print this reference',
    '  sse-gateway --version   print the version',
    '  sse-gateway --markdown  print the configuration reference as a Markdown table',
    '',
    'Configuration (environment variables, all optional):',
    '',
  ];
  for (const variable of variables) {
    lines.push(`  ${variable.name.padEnd(width)}${variable.description}`);
    lines.push(`${pad}${variable.accepts}; default: ${variable.defaultValue ?? 'unset'}`);
  }
  lines.push('', 'Routes: /sse/:stream, /sse?streams=a,b, /health, /livez, /metrics.', '');
  return lines.join('\n');
}

/** The same reference as a Markdown table, for docs/DEPLOYMENT.md. */
export function formatMarkdown(variables: readonly ConfigVariable[]): string {
  const rows = variables.map((v) => {
    const value = v.defaultValue === undefined ? 'unset' : `\`${v.defaultValue}\``;
    const cells = [`\`${v.name}\``, value, v.accepts, v.description].map(escapeCell);
    return `| ${cells.join(' | ')} |`;
  });
  return [
    '| variable | default | accepts | meaning |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}

/** Decides what the command does with its arguments; starting is left to the caller. */
export function runCli(args: readonly string[]): CliAction {
  const [first, ...rest] = args;
  if (first === undefined) return { kind: 'start' };
  if (rest.length === 0 && (first === '--help' || first === '-h')) {
    return { kind: 'print', text: formatHelp(configReference()), exitCode: 0 };
  }
  if (rest.length === 0 && (first === '--version' || first === '-v')) {
    return { kind: 'print', text: `${packageVersion()}\n`, exitCode: 0 };
  }
  if (rest.length === 0 && first === '--markdown') {
    return { kind: 'print', text: formatMarkdown(configReference()), exitCode: 0 };
  }
  const usage = 'sse-gateway takes no arguments but --help, --version or --markdown; ';
  return { kind: 'print', text: `${usage}configure it with environment variables\n`, exitCode: 2 };
}

/** A `|` inside a cell would end it. */
function escapeCell(text: string): string {
  return text.replaceAll('|', '\\|');
}

function describeAccepted(property: JsonProperty): string {
  if (property.enum !== undefined) return property.enum.map(String).join(' | ');
  if (property.type === 'integer' || property.type === 'number') {
    return `integer ${property.minimum ?? ''}..${property.maximum ?? ''}`;
  }
  return 'text';
}

/** A parsed default written back the way the variable is set: lists and maps comma-joined. */
function asEnvText(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (value instanceof Map) return [...value].map(([k, v]) => `${k}:${String(v)}`).join(',');
  if (Array.isArray(value)) return value.length === 0 ? undefined : value.join(',');
  return String(value);
}

function packageVersion(): string {
  const text = readFileSync(new URL('../package.json', import.meta.url), 'utf8');
  return String((JSON.parse(text) as { version?: unknown }).version);
}
