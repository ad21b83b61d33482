// Re-renders RESULTS.md from a run's results.json, e.g. after the report format changed.
// Usage: node --import tsx bench/render.ts bench/.work/run-<time>/results.json [out.md]
import { readFileSync, writeFileSync } from 'node:fs';
import { GatewayError } from '../src/errors.ts';
import { consoleTable } from './report/console-table.ts';
import { formatFiles } from './report/format-files.ts';
import { resultsMarkdown } from './report/results-md.ts';
import type { Run } from './report/types.ts';

const [input, output = 'bench/RESULTS.md'] = process.argv.slice(2);
if (input === undefined) {
  throw new GatewayError('invalid_config', 'usage: bench/render.ts <results.json> [out.md]');
}
const raw = JSON.parse(readFileSync(input, 'utf8')) as Run & { startedAt: string };
const run: Run = { ...raw, startedAt: new Date(raw.startedAt) };
writeFileSync(output, resultsMarkdown(run));
formatFiles(process.cwd(), [output]);
console.log(consoleTable(run));
