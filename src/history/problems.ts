/**
 * Bad input in a history archive: named by file and row / line (or market), with the
 * reason. Skipped by default; `--strict` turns the first one into an error.
 */
export interface Problem {
  file: string;
  /** `line 12`, `row group 3`, a market slug, … (null: the whole file). */
  where: string | null;
  reason: string;
}

export class HistoryError extends Error {
  readonly code = 'HISTORY_UNREADABLE';
}

export function describeProblem(p: Problem): string {
  return `${p.file}${p.where ? `: ${p.where}` : ''}: ${p.reason}`;
}

/** Collects problems; in strict mode the first one throws. */
export class Problems {
  readonly list: Problem[] = [];
  constructor(
    private readonly strict: boolean,
    private readonly onProblem?: (p: Problem) => void,
  ) {}

  add(p: Problem): void {
    if (this.strict) throw new HistoryError(`${describeProblem(p)} (--strict stops here)`);
    this.list.push(p);
    this.onProblem?.(p);
  }
}
