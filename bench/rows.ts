/**
 * The shape every bench hands back for the summary table `npm run bench` prints at the end,
 * and small helpers to build it. A row is one measured figure against its target: `value`
 * is what to read (with units and the per-round range), `ratio` the number the target is
 * checked on (null when the figure is not a ratio), `pass` null for figures shown without a
 * target. This type is the bench's API: every bench module returns `BenchRow[]`, and
 * bench/run.ts prints them in one table and gates `--check` on `pass`.
 */

export interface BenchRow {
  name: string;
  value: string;
  target: string;
  ratio: number | null;
  pass: boolean | null;
}

/** The median of a non-empty list (the upper of the two middles for an even count). */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1] as number;
}

/** `0.91× (0.88–0.95)`: the median round and the range over rounds. */
export function ratioText(rounds: number[]): string {
  return `${median(rounds).toFixed(2)}× (${Math.min(...rounds).toFixed(2)}–${Math.max(...rounds).toFixed(2)})`;
}

/** The row of a ratio whose median round must reach `min`. */
export function atLeastRow(name: string, rounds: number[], min: number, what = 'JSON.parse'): BenchRow {
  const ratio = median(rounds);
  return { name, value: `${ratioText(rounds)} of ${what}`, target: `≥ ${min.toFixed(2)}×`, ratio, pass: ratio >= min };
}

const pad = (s: string, n: number): string => (s.length >= n ? s : s + ' '.repeat(n - s.length));

/** Prints rows as an aligned text table. */
export function printRows(rows: BenchRow[], log: (line: string) => void = console.log): void {
  const cells = rows.map((r) => [r.name, r.value, r.target, r.pass === null ? '—' : r.pass ? 'pass' : 'FAIL']);
  const head = ['benchmark', 'measured', 'target', 'result'];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] as string).length)));
  const line = (c: string[]): string =>
    c
      .map((x, i) => pad(x, widths[i] as number))
      .join('  ')
      .trimEnd();
  log(line(head));
  log(line(widths.map((w) => '-'.repeat(w))));
  for (const c of cells) log(line(c));
}

/** The rows that missed their target (rows without a target never fail). */
export function failedRows(rows: BenchRow[]): BenchRow[] {
  return rows.filter((r) => r.pass === false);
}

export interface BenchArgs {
  /** Benches to run; empty for all. */
  only: string[];
  /** Exit 1 when a target is missed. */
  check: boolean;
}

/** `[<name>…] [--check]`, in any order; an unknown name or flag is an error naming the known ones. */
export function parseBenchArgs(argv: string[], known: string[]): BenchArgs | { error: string } {
  const flags = argv.filter((a) => a.startsWith('-'));
  const only = argv.filter((a) => !a.startsWith('-'));
  const badFlags = flags.filter((f) => f !== '--check');
  const badNames = only.filter((n) => !known.includes(n));
  if (badFlags.length > 0) return { error: `unknown option ${badFlags.join(', ')}; known: --check` };
  if (badNames.length > 0) return { error: `unknown bench ${badNames.join(', ')}; known: ${known.join(', ')}` };
  return { only, check: flags.includes('--check') };
}
