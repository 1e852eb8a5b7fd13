// Goal: the dashboard (web/, bundled by Vite) imports from the server tree only the event contract (src/core), the read model (src/views) and the one backoff (src/net/backoff.ts): no API module, no recomputed figure.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Relative imports of a file, resolved to repository paths (as the floors test reads them). */
const importsOf = (file: string, code: string) =>
  [...code.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) =>
    relative(process.cwd(), resolve(dirname(file), m[1]!)),
  );

/** The lab's one retry delay: a pure file with no imports, written to be bundled by the page (its header says so). */
const ALLOWED_FILES = new Set(['src/net/backoff.ts']);

/** Imports of web files that reach into src/ outside core and views. */
export function serverImports(files: ReadonlyArray<readonly [path: string, code: string]>): string[] {
  return files.flatMap(([file, code]) =>
    importsOf(file, code)
      .filter((t) => t.startsWith('src/') && !t.startsWith('src/core/') && !t.startsWith('src/views/') && !ALLOWED_FILES.has(t))
      .map((t) => `${file} → ${t}`),
  );
}

describe('dashboard imports', () => {
  const files = sources('web/src').map((f) => [f, readFileSync(f, 'utf8')] as const);

  it('reach only src/core and src/views', () => {
    expect(files.length).toBeGreaterThan(5);
    expect(serverImports(files)).toEqual([]);
  });

  it('name a page that imports the fair-value formula or an API module', () => {
    expect(
      serverImports([
        ['web/src/model.ts', "import { fairValueUp } from '../../src/pricing/fairValue.ts';"],
        ['web/src/trustPoll.ts', "import { TrustResponseSchema } from '../../src/api/trustRoutes.ts';"],
        ['web/src/main.ts', "import { WsConnectedSchema } from '../../src/core/wire.ts';"],
        ['web/src/conn.ts', "import { backoffDelayMs } from '../../src/net/backoff.ts';"],
        ['web/src/conn2.ts', "import { ResilientSocket } from '../../src/net/socket.ts';"],
      ]),
    ).toEqual([
      'web/src/model.ts → src/pricing/fairValue.ts',
      'web/src/trustPoll.ts → src/api/trustRoutes.ts',
      'web/src/conn2.ts → src/net/socket.ts',
    ]);
  });
});
