/** Serves the demo page's files from public/; only files that exist at start-up, no traversal. */
import { readFile, readdir } from 'node:fs/promises';
import { extname, join, relative } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

export type StaticFiles = (path: string) => Promise<Response | undefined>;

/** Lists `dir` once; a missing directory serves nothing. */
export async function loadStaticFiles(dir: string): Promise<StaticFiles> {
  const files = new Map<string, string>();
  try {
    for (const name of await readdir(dir, { recursive: true })) {
      const full = join(dir, String(name));
      files.set(`/${relative(dir, full).split('\\').join('/')}`, full);
    }
  } catch {
    // No public/ directory: the gateway runs without a demo page.
  }
  return async (path) => {
    const file = files.get(path === '/' ? '/index.html' : path);
    if (file === undefined) return undefined;
    try {
      const body = await readFile(file);
      const type = TYPES[extname(file)] ?? 'application/octet-stream';
      return new Response(body, { headers: { 'Content-Type': type, 'Cache-Control': 'no-cache' } });
    } catch {
      return undefined; // a directory, or removed since start-up
    }
  };
}
