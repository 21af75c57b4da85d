/**
 * The built console app (`console/dist`), served for every non-API path: files by their type,
 * and `index.html` for the app's own routes (a path without a file extension), so a reload of
 * `/clusters/x` works. Paths never leave the directory.
 */
import { readFile, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServerResponse } from 'node:http';
import { sendJson } from './http.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

/**
 * The install root: the directory holding this package's package.json, found upwards from this
 * module (src/console/server under tsx, dist/src/console/server when built, /app/... in the image).
 */
export function installRoot(from = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'src'))) return dir;
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'dist'))) return dir;
    if (dirname(dir) === dir) return from;
  }
}

export function defaultStaticDir(): string {
  return join(installRoot(), 'console', 'dist');
}

export async function serveStatic(dir: string, pathname: string, res: ServerResponse): Promise<void> {
  const root = resolve(dir);
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    sendJson(res, 400, { status: 400, reason: 'BadRequest', message: 'malformed path' });
    return;
  }
  const file = resolve(root, `.${normalize(`/${decoded}`)}`);
  if (file !== root && !file.startsWith(root + sep)) {
    sendJson(res, 404, { status: 404, reason: 'NotFound', message: 'not found' });
    return;
  }
  const candidates = extname(file) === '' ? [join(root, 'index.html')] : [file];
  if (pathname === '/' || pathname === '') candidates.unshift(join(root, 'index.html'));
  for (const path of candidates) {
    try {
      if (!(await stat(path)).isFile()) continue;
      const body = await readFile(path);
      const ext = extname(path);
      res.writeHead(200, {
        'Content-Type': TYPES[ext] ?? 'application/octet-stream',
        'Content-Length': body.length,
        // Vite names assets by content hash; index.html must be fetched again to find new ones.
        'Cache-Control': ext === '.html' ? 'no-cache' : 'public, max-age=31536000, immutable',
      });
      res.end(body);
      return;
    } catch {
      continue;
    }
  }
  if (!existsSync(join(root, 'index.html'))) {
    sendJson(res, 404, {
      status: 404,
      reason: 'NotFound',
      message: `the console is not built: ${root}/index.html is missing (build console/ or set --console-static-dir)`,
    });
    return;
  }
  sendJson(res, 404, { status: 404, reason: 'NotFound', message: `${pathname} not found` });
}
