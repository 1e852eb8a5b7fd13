/**
 * The one set of text formatters every reader uses: dollars, percents and a column table
 * (the run summary, `polylab report`, `runs`, `markets`, `doctor`, the strategies table and
 * the dashboard). Pure: no locale, no clock.
 */

export interface UsdOptions {
  /** What a missing value prints as (default `-`; the dashboard uses an em dash). */
  dash?: string;
  /** Thousands separated by commas (the dashboard's BTC prices); the terminal prints digits only. */
  grouped?: boolean;
  /** A plus sign before a positive amount (a change rather than a level). */
  signed?: boolean;
}

/** Dollars with cents, the sign before the symbol: `-$1.50`, `+$2.00` when signed. */
export function usd(x: number | null | undefined, opts: UsdOptions = {}): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return opts.dash ?? '-';
  const cents = Math.abs(x).toFixed(2);
  const [whole, frac] = cents.split('.') as [string, string];
  const digits = opts.grouped ? whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',') : whole;
  const zero = cents === '0.00';
  const sign = x < 0 && !zero ? '-' : opts.signed && x > 0 && !zero ? '+' : '';
  return `${sign}$${digits}.${frac}`;
}

/** A fraction as a percent with one decimal: `0.362` → `36.2 %`. */
export function pct(frac: number | null | undefined, dash = '-'): string {
  return frac === null || frac === undefined || !Number.isFinite(frac) ? dash : `${(frac * 100).toFixed(1)} %`;
}

export type Align = 'left' | 'right' | 'free';

export interface TableOptions {
  /** Prefix of every line (the summary indents its tables). */
  indent?: string;
  /** Per column: padded on the right (default), on the left, or not at all (a last free-text column). */
  align?: readonly Align[];
  /** A line of dashes under the header, as wide as each column. */
  rule?: boolean;
}

/** Rows of cells as fixed-width columns two spaces apart, header first; trailing spaces trimmed. */
export function table(head: readonly string[], rows: readonly (readonly string[])[], opts: TableOptions = {}): string[] {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    `${opts.indent ?? ''}${cells
      .map((c, i) => {
        const align = opts.align?.[i] ?? 'left';
        return align === 'free' ? c : align === 'right' ? c.padStart(widths[i]!) : c.padEnd(widths[i]!);
      })
      .join('  ')}`.trimEnd();
  return [line(head), ...(opts.rule ? [line(widths.map((w) => '-'.repeat(w)))] : []), ...rows.map(line)];
}

/** Dollars per share to four decimals (an edge, a cost): `-$0.0123`. */
export function usdPerShare(x: number | null | undefined, dash = '-'): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return dash;
  const abs = Math.abs(x).toFixed(4);
  return `${x < 0 && abs !== '0.0000' ? '-' : ''}$${abs}`;
}
