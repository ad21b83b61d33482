#!/usr/bin/env bun
/** `sse-gateway`: starts the gateway on Bun; `sse-gateway --help` prints its configuration. */
import { runCli } from '../src/cli.ts';

const action = runCli(process.argv.slice(2));
if (action.kind === 'start') {
  await import('../src/runtime/bun.ts');
} else {
  (action.exitCode === 0 ? process.stdout : process.stderr).write(action.text);
  // exitCode rather than exit(): a piped stdout is flushed before the process ends.
  process.exitCode = action.exitCode;
}
