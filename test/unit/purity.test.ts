// Goal: the pure rooms (core, pricing, strategy, paper), the engine, the analytics, the read model (views) and the simulator never touch the clock, randomness, env or I/O.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOMS = ['src/core', 'src/pricing', 'src/strategy', 'src/paper', 'src/engine', 'src/analytics', 'src/views', 'src/sim'];
const FORBIDDEN = [
  /Date\.now\(/,
  /new Date\(\s*\)/,
  /Math\.random\(/,
  /process\.env/,
  /performance\.now\(/,
  /setTimeout\(|setInterval\(/,
  /from ['"](node:)?(fs|net|http|https|child_process|dgram|worker_threads)['"]/,
  /from ['"](ws|fastify|better-sqlite3|pino)['"]/,
  /from ['"]\.\.\/(net|venues|polymarket|journal|capture|api|history|app|sweep|commands)\//,
];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('pure rooms', () => {
  const all = ROOMS.flatMap(files);
  it('exist and have source files', () => {
    expect(all.length).toBeGreaterThan(8);
  });
  it.each(all)('%s uses no clock, randomness, env or I/O', (file) => {
    const code = readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => !l.trim().startsWith('//') && !l.trim().startsWith('*'));
    for (const re of FORBIDDEN)
      expect(
        code.filter((l) => re.test(l)),
        `${file} matches ${re}`,
      ).toEqual([]);
  });
});
