/** Test helper: reads a Dockerfile into instructions and applies .dockerignore, without Docker. */
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

export type Instruction = { keyword: string; args: string; stage: number };

/** Instructions in order, continuation lines joined, comments dropped; stage 0: first FROM. */
export function parseDockerfile(text: string): Instruction[] {
  const instructions: Instruction[] = [];
  let stage = -1;
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (pending === '' && (line === '' || line.startsWith('#'))) continue;
    if (line.startsWith('#')) continue; // a comment inside a continued instruction
    pending += pending === '' ? line : ` ${line}`;
    if (pending.endsWith('\\')) {
      pending = pending.slice(0, -1).trimEnd();
      continue;
    }
    const space = pending.indexOf(' ');
    const keyword = (space < 0 ? pending : pending.slice(0, space)).toUpperCase();
    if (keyword === 'FROM') stage++;
    instructions.push({ keyword, args: space < 0 ? '' : pending.slice(space + 1).trim(), stage });
    pending = '';
  }
  return instructions;
}

/** The JSON array of an exec-form argument (`["bun", "x"]`), or undefined for shell form. */
export function execForm(args: string): string[] | undefined {
  if (!args.startsWith('[')) return undefined;
  try {
    const parsed: unknown = JSON.parse(args);
    return Array.isArray(parsed) && parsed.every((a) => typeof a === 'string') ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether .dockerignore keeps `path` out of the build context: the last pattern matching the
 * path or one of its parent folders decides, `!` patterns admitting again (Docker's rule).
 */
export function isIgnored(patterns: readonly string[], path: string): boolean {
  const parts = path.split('/');
  const candidates = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
  let ignored = false;
  for (const raw of patterns) {
    const negated = raw.startsWith('!');
    const pattern = (negated ? raw.slice(1) : raw).replace(/\/+$/, '');
    const glob = new Bun.Glob(pattern);
    if (candidates.some((candidate) => glob.match(candidate))) ignored = !negated;
  }
  return ignored;
}

/** Non-comment, non-empty lines of a .dockerignore. */
export function ignorePatterns(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/** Every file under `root` that a `COPY . .` would send, node_modules and .git left out. */
export function contextFiles(root: string, patterns: readonly string[]): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      const path = relative(root, full);
      if (entry.name === 'node_modules' || entry.name === '.git') continue;
      if (entry.isDirectory()) walk(full);
      else if (!isIgnored(patterns, path)) files.push(path);
    }
  };
  walk(root);
  return files.sort();
}
