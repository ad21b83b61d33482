// Runs the project's formatter (Biome) over files the bench wrote, so the tree stays formatted.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Formats `files` in place; warns (and leaves them as written) when Biome is not there. */
export function formatFiles(root: string, files: string[]): void {
  const biome = join(root, 'node_modules/.bin/biome');
  if (!existsSync(biome)) return;
  const result = spawnSync(biome, ['format', '--write', ...files], { cwd: root, encoding: 'utf8' });
  if (result.status !== 0) {
    console.warn(`[bench] biome could not format ${files.join(', ')}: ${result.stderr.trim()}`);
  }
}
