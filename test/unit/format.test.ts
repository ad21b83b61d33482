/** The tree stays formatted (Biome, 100 columns), so style is checked, not argued about. */
import { describe, expect, test } from 'bun:test';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = new URL('../../', import.meta.url).pathname;

describe('source formatting', () => {
  test('biome finds nothing to reformat (run `npm run format` to fix)', () => {
    const result = spawnSync(join(ROOT, 'node_modules/.bin/biome'), ['format', '.'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    const report = `${result.stdout}${result.stderr}`;
    expect(report).not.toContain('Formatter would have printed');
    expect(result.status).toBe(0);
  });
});
