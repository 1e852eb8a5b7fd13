// Goal: the source keeps its floors — plain model at the bottom, then pricing / strategy / paper, then the engine and analytics, then the feeds and the journal, then the API that serves them, then composition — and no import runs back up a floor or sideways between rooms of one floor.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Each room (a folder, or a composition file) and its floor, bottom = 1. */
const FLOORS: ReadonlyArray<readonly [room: string, floor: number]> = [
  ['src/core', 1],
  ['src/pricing', 2], ['src/strategy', 2], ['src/paper', 2],
  ['src/engine', 3], ['src/analytics', 3],
  ['src/feeds', 4], ['src/journal', 4],
  ['src/api', 5],
  ['src/config.ts', 6], ['src/run.ts', 6], ['src/live.ts', 6], ['src/cli.ts', 6], ['src/commands', 6], ['src/compare.ts', 6],
  ['src/replay.ts', 6], ['src/session.ts', 6], ['src/digest.ts', 6], ['src/version.ts', 6],
];
/** Composition files wire everything together and may import one another. */
const COMPOSITION = 6;

const roomOf = (file: string): readonly [string, number] | undefined => FLOORS.find(([room]) => file === room || file.startsWith(`${room}/`));

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

  it('names both files of an upward, sideways or unplaced import', () => {
    expect(floorViolations([
      ['src/core/book.ts', "import { Engine } from '../engine/engine.ts';"],
      ['src/paper/fill.ts', "import type { Strategy } from '../strategy/types.ts';"],
      ['src/engine/engine.ts', "const m = await import('../feeds/live.ts');"],
      ['src/feeds/sim/sim.ts', "import { Rng } from '../../core/rng.ts';"],
      ['src/elsewhere.ts', ''],
    ])).toEqual([
      'src/core/book.ts → src/engine/engine.ts (runs up from floor 1 to 3)',
      'src/paper/fill.ts → src/strategy/types.ts (sideways between rooms of floor 2)',
      'src/engine/engine.ts → src/feeds/live.ts (runs up from floor 3 to 4)',
      'src/elsewhere.ts is in no room of the floors table',
    ]);
  });
});
