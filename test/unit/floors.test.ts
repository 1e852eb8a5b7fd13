// Goal: the source keeps its floors (docs/architecture.md) — plain model at the bottom, then pricing / strategy / paper, then the pure engine, analytics, read model and simulator, then network plumbing, then the venues, Polymarket and the journal, then capture, then the API and history, then the app's wiring, then sweeps, then the commands — and no import runs back up a floor or sideways between rooms of one floor.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Each room (a folder, or a composition file) and its floor, bottom = 1. */
const FLOORS: ReadonlyArray<readonly [room: string, floor: number]> = [
  ['src/core', 1],
  ['src/pricing', 2],
  ['src/strategy', 2],
  ['src/paper', 2],
  ['src/engine', 3],
  ['src/analytics', 3],
  ['src/views', 3],
  ['src/sim', 3],
  ['src/net', 4],
  ['src/venues', 5],
  ['src/polymarket', 5],
  ['src/journal', 5],
  ['src/capture', 6],
  ['src/api', 7],
  ['src/history', 7],
  ['src/app', 8],
  ['src/sweep', 9],
  ['src/cli.ts', 10],
  ['src/commands', 10],
];
/** Composition files wire everything together and may import one another. */
const COMPOSITION = 10;

const roomOf = (file: string): readonly [string, number] | undefined =>
  FLOORS.find(([room]) => file === room || file.startsWith(`${room}/`));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Relative imports of a file (static, type-only, re-exports and dynamic), resolved to repository paths. */
export function importsOf(file: string, code: string): string[] {
  const specs = [...code.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => m[1]!);
  return specs.map((s) => relative(process.cwd(), resolve(dirname(file), s)));
}

/** Every import that breaks the floors, as "importer → imported (why)". */
export function floorViolations(files: ReadonlyArray<readonly [path: string, code: string]>): string[] {
  const bad: string[] = [];
  for (const [file, code] of files) {
    const from = roomOf(file);
    if (!from) {
      bad.push(`${file} is in no room of the floors table`);
      continue;
    }
    for (const target of importsOf(file, code)) {
      const to = roomOf(target);
      if (!to || to[0] === from[0]) continue;
      if (to[1] > from[1]) bad.push(`${file} → ${target} (runs up from floor ${from[1]} to ${to[1]})`);
      else if (to[1] === from[1] && from[1] !== COMPOSITION) bad.push(`${file} → ${target} (sideways between rooms of floor ${from[1]})`);
    }
  }
  return bad;
}

describe('floors', () => {
  const files = sources('src').map((f) => [f, readFileSync(f, 'utf8')] as const);

  it('every source file is in a room, and no import runs up or sideways', () => {
    expect(files.length).toBeGreaterThan(50);
    expect(floorViolations(files)).toEqual([]);
  });

  it('the dashboard may bundle the one backoff (src/net/backoff.ts) because it imports nothing and touches no clock, randomness or env', () => {
    const code = readFileSync('src/net/backoff.ts', 'utf8');
    expect(importsOf('src/net/backoff.ts', code)).toEqual([]);
    expect(code).not.toMatch(/^import |Date\.now\(|Math\.random\(|process\.|setTimeout\(/m);
    expect(readFileSync('web/src/conn.ts', 'utf8')).toContain("from '../../src/net/backoff.ts'");
  });

  it('names both files of an upward, sideways or unplaced import', () => {
    expect(
      floorViolations([
        ['src/core/book.ts', "import { Engine } from '../engine/engine.ts';"],
        ['src/paper/fill.ts', "import type { Strategy } from '../strategy/types.ts';"],
        ['src/engine/engine.ts', "const m = await import('../venues/venueFeeds.ts');"],
        ['src/sim/sim.ts', "import { Rng } from '../core/rng.ts';"],
        ['src/sim/sim.ts', "import { ADAPTERS } from '../venues/index.ts';"],
        ['src/elsewhere.ts', ''],
      ]),
    ).toEqual([
      'src/core/book.ts → src/engine/engine.ts (runs up from floor 1 to 3)',
      'src/paper/fill.ts → src/strategy/types.ts (sideways between rooms of floor 2)',
      'src/engine/engine.ts → src/venues/venueFeeds.ts (runs up from floor 3 to 5)',
      'src/sim/sim.ts → src/venues/index.ts (runs up from floor 3 to 5)',
      'src/elsewhere.ts is in no room of the floors table',
    ]);
  });
});
