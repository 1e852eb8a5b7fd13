/**
 * Serves the built dashboard (`web/dist`, made by `npm run build:web`, which `npm ci`
 * runs through `prepare`). The files are read once at start into memory: the bundle is a
 * few hundred kilobytes, and serving only names found at start rules out path tricks.
 * `/` is the page; `/assets/<hashed name>` are immutable. Without a build, `/` answers
 * 503 with the command that makes one.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';

export const DEFAULT_WEB_DIR = fileURLToPath(new URL('../../web/dist/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
  '.woff2': 'font/woff2',
};

/**
 * The page loads only its own script and style and talks only to its own server
 * ('self' covers ws: to the same host in CSP Level 3); it cannot be framed.
 * lightweight-charts writes style attributes, hence 'unsafe-inline' for styles only (scripts stay 'self').
 */
const PAGE_HEADERS = {
  'content-security-policy':
    "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

interface Asset {
  body: Buffer;
  type: string;
}

/** Every file under `dir`, keyed by its URL path (`/index.html`, `/assets/x.js`). */
export function loadAssets(dir: string): Map<string, Asset> {
  const out = new Map<string, Asset>();
  if (!existsSync(dir)) return out;
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else
        out.set(`/${relative(dir, path).split(sep).join('/')}`, {
          body: readFileSync(path),
          type: TYPES[extname(name)] ?? 'application/octet-stream',
        });
    }
  };
  walk(dir);
  return out;
}

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>Polylab</title><p>The dashboard is not built. Run <code>npm run build:web</code> (<code>npm ci</code> runs it), then restart. The API is up: <a href="/feed/health">/feed/health</a>.</p>`;

export function registerDashboard(app: FastifyInstance, dir: string = DEFAULT_WEB_DIR): void {
  const assets = loadAssets(dir);
  const index = assets.get('/index.html');
  app.get('/', { schema: { hide: true } }, (_req, reply) => {
    reply.headers(PAGE_HEADERS).header('cache-control', 'no-cache');
    if (!index) return reply.code(503).type('text/html; charset=utf-8').send(NOT_BUILT);
    return reply.type(index.type).send(index.body);
  });
  app.get<{ Params: { name: string } }>('/assets/:name', { schema: { hide: true } }, (req, reply) => {
    const asset = assets.get(`/assets/${req.params.name}`);
    if (!asset) return reply.callNotFound();
    // Vite puts a content hash in every asset name, so a name never changes meaning.
    return reply
      .headers({ 'x-content-type-options': 'nosniff', 'cache-control': 'public, max-age=31536000, immutable' })
      .type(asset.type)
      .send(asset.body);
  });
}
