// Puts one scenario's section from a partial run's Markdown into RESULTS.md, leaving the rest.
// Usage: node --import tsx bench/splice-section.ts <partial.md> <letter> [bench/RESULTS.md]
// For a scenario added after the last full run: run just it (BENCH_SCENARIOS=e BENCH_OUT=...)
// and splice its section in, rather than spend ten minutes re-measuring everything else.
import { readFileSync, writeFileSync } from 'node:fs';
import { GatewayError } from '../src/errors.ts';
import { formatFiles } from './report/format-files.ts';

const [input, letter, output = 'bench/RESULTS.md'] = process.argv.slice(2);
if (input === undefined || letter === undefined || !/^[a-z]$/.test(letter)) {
  throw new GatewayError(
    'invalid_config',
    'usage: bench/splice-section.ts <partial.md> <scenario letter> [RESULTS.md]',
  );
}
const BEFORE = '## Ratios against the baseline';

/** The section whose heading starts with `## (<letter>)`, up to the next `## ` heading. */
function section(text: string, heading: string): { start: number; end: number } | undefined {
  const start = text.indexOf(`\n${heading}`);
  if (start === -1) return undefined;
  const next = text.indexOf('\n## ', start + 1);
  return { start: start + 1, end: next === -1 ? text.length : next + 1 };
}

const partial = readFileSync(input, 'utf8');
const target = readFileSync(output, 'utf8');
const heading = `## (${letter})`;
const found = section(partial, heading);
if (found === undefined) {
  throw new GatewayError('invalid_config', `${input} has no section starting "${heading}"`);
}
// Say where the spliced figures come from: they are not from the run the header describes.
const measured = /Measured\s+(\S+)/.exec(partial)?.[1] ?? 'an unknown time';
const commit = /sse-gateway commit (\w+)/.exec(partial)?.[1] ?? 'unknown';
const other = /Other CPU use during the windows[^.]*\./.exec(partial)?.[0] ?? '';
const origin =
  `_Measured on its own at ${measured} (commit ${commit}, \`BENCH_SCENARIOS=${letter}\`), ` +
  `not in the run the header describes. ${other}_\n\n`;
const body = partial.slice(found.start, found.end).replace(/\n+$/, '\n\n');
const [head = '', ...rest] = body.split('\n\n');
const text = `${head}\n\n${origin}${rest.join('\n\n')}`;
const old = section(target, heading);
const at = target.indexOf(BEFORE);
const merged =
  old !== undefined
    ? target.slice(0, old.start) + text + target.slice(old.end)
    : at === -1
      ? `${target}\n${text}`
      : target.slice(0, at) + text + target.slice(at);
writeFileSync(output, merged);
formatFiles(process.cwd(), [output]);
console.log(`[bench] ${output}: section (${letter}) from ${input}`);
