/**
 * What every bench returns: one row per figure, with its target and whether it met it,
 * so `npm run bench` ends with one summary table. `ratio` is the figure against a
 * baseline measured in the same run (what makes it comparable across machines).
 */
export interface BenchRow {
  name: string;
  /** The figure, in `unit`. */
  value: number;
  unit: string;
  /** The target, as text (`≥ 0.5×`, `≤ 60 s`). */
  target: string;
  /** Against the baseline measured in the same run; null when the figure is absolute. */
  ratio: number | null;
  pass: boolean;
}

export function formatRows(rows: readonly BenchRow[]): string {
  const cells = rows.map((r) => [
    r.name, `${r.value >= 100 ? r.value.toFixed(0) : r.value.toPrecision(3)} ${r.unit}`, r.target, r.ratio === null ? '' : `${r.ratio.toFixed(2)}×`, r.pass ? 'ok' : 'MISS',
  ]);
  const head = ['figure', 'value', 'target', 'ratio', ''];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((x, i) => x.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(head), ...cells.map(line)].join('\n');
}
