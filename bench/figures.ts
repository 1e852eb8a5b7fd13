/**
 * Absolute figures (a rate, a duration, a size) with their unit, as the journal and replay
 * benches measure them, and their conversion to a summary-table row (./rows.ts).
 */
import type { BenchRow } from './rows.ts';

export interface FigureRow {
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

export function toBenchRow(f: FigureRow): BenchRow {
  const value = `${f.value >= 100 ? f.value.toFixed(0) : f.value.toPrecision(3)} ${f.unit}${f.ratio === null ? '' : ` (${f.ratio.toFixed(2)}×)`}`;
  return { name: f.name, value, target: f.target, ratio: f.ratio, pass: f.pass };
}
