/**
 * The named figures of a run, each defined once: what it accumulates from the output
 * stream, its JSON fields and its printed line. The run summary and `polylab report`
 * print them from this list, so a figure both print is the same number under the same
 * name (docs/methodology.md says what each one means). Adding a figure is one entry here.
 */
import type { OutputEvent } from '../core/outputs.ts';
import { pct, usd, usdPerShare } from './format.ts';
import type { FigureInputs } from './viewTypes.ts';

/** Who prints a figure: the run summary, `polylab report`, or both. */
export type Printed = 'both' | 'summary';

export interface Figure<A, V extends object> {
  /** The printed name: says what the number is. */
  label: string;
  printed: Printed;
  /** The figure's own accumulator, when the view's state does not already hold what it needs. */
  start: () => A;
  step: (acc: A, e: OutputEvent, view: FigureInputs) => void;
  /** Its JSON fields (the summary object, `report --json`). */
  value: (view: FigureInputs, acc: A) => V;
  /** Its printed value. */
  text: (v: V) => string;
  /** Whether its line is printed (always, without it); its JSON fields are there either way. */
  shown?: (v: V) => boolean;
}

const none = () => undefined;
const skip = () => {};
const figure = <A, V extends object>(f: Figure<A, V>) => f;

/** A quantity-weighted average per share. */
interface PerShare {
  sum: number;
  shares: number;
}
const perShare = (): PerShare => ({ sum: 0, shares: 0 });
const average = (a: PerShare) => (a.shares > 0 ? a.sum / a.shares : null);
const reasonList = (episodes: ReadonlyMap<string, number>, occurrences: ReadonlyMap<string, number>) =>
  [...occurrences.keys()]
    .sort()
    .map((r) => `${r}=${episodes.get(r) ?? 0}/${occurrences.get(r)}`)
    .join(', ');

export const FIGURES = [
  figure({
    label: 'medians',
    printed: 'summary',
    start: none,
    step: skip,
    value: (v) => ({ medians: v.counts.medians }),
    text: (x) => String(x.medians),
  }),
  figure({
    label: 'intents',
    printed: 'summary',
    start: none,
    step: skip,
    value: (v) => ({ intents: v.counts.intents }),
    text: (x) => String(x.intents),
  }),
  figure({
    label: 'fills',
    printed: 'both',
    start: none,
    step: skip,
    value: (v) => ({ fills: v.counts.fills, buys: v.counts.buys, sells: v.counts.sells, volume_usd: v.volumeUsd }),
    text: (x) => `${x.fills} (${x.buys} buys, ${x.sells} sells), volume ${usd(x.volume_usd)}`,
  }),
  figure({
    label: 'fees paid',
    printed: 'both',
    start: none,
    step: skip,
    value: (v) => ({ fees_paid: v.feesPaid }),
    text: (x) => usd(x.fees_paid),
  }),
  figure({
    label: 'rebates earned',
    printed: 'both',
    start: none,
    step: skip,
    value: (v) => ({ rebates_earned: v.rebatesEarned }),
    text: (x) => `${usd(x.rebates_earned)} on maker fills (in realized PnL, apart from the fees paid)`,
    // Only makers earn them: a taker-only run prints no line for it.
    shown: (x) => x.rebates_earned > 0,
  }),
  figure({
    label: 'rejects',
    printed: 'both',
    start: none,
    step: skip,
    value: (v) => ({
      rejects: v.counts.rejects,
      rejects_by_reason: Object.fromEntries(v.rejectsByReason),
      reject_occurrences: v.counts.reject_occurrences,
      reject_occurrences_by_reason: Object.fromEntries(v.occurrencesByReason),
    }),
    text: (x) => {
      const reasons = reasonList(new Map(Object.entries(x.rejects_by_reason)), new Map(Object.entries(x.reject_occurrences_by_reason)));
      return `${x.rejects} episodes, ${x.reject_occurrences} occurrences${reasons ? ` (reason=episodes/occurrences: ${reasons})` : ''}`;
    },
  }),
  figure({
    label: 'settlements',
    printed: 'both',
    start: none,
    step: skip,
    value: (v) => ({ settlements: v.counts.settlements }),
    text: (x) => String(x.settlements),
  }),
  figure({
    label: 'closed trades won',
    printed: 'both',
    start: none,
    step: skip,
    value: (v) => {
      const { tradesClosed: n, tradesWon: won } = v.account;
      return { closed_trades: n, closed_trades_won: won, closed_trades_won_frac: n > 0 ? won / n : null };
    },
    text: (x) => `${x.closed_trades_won} of ${x.closed_trades}${x.closed_trades > 0 ? ` (${pct(x.closed_trades_won_frac)})` : ''}`,
  }),
  figure({
    label: 'markets won',
    printed: 'both',
    start: none,
    step: skip,
    value: (v) => {
      const { won, lost } = v.account.marketsWonLost();
      return { markets_won: won, markets_lost: lost, markets_won_frac: won + lost > 0 ? won / (won + lost) : null };
    },
    text: (x) =>
      `${x.markets_won}, lost ${x.markets_lost}${x.markets_won_frac === null ? '' : ` (${pct(x.markets_won_frac)} of those won or lost)`}`,
  }),
  figure({
    label: 'edge vs mid',
    printed: 'both',
    start: perShare,
    // Per share, what a fill paid against the mid of the book it met, fee included: a cost.
    step: (acc, e, v) => {
      if (e.event_type !== 'paper_fill') return;
      const mid = v.markets.get(e.market_id)?.quotes.get(e.token_id)?.mid;
      if (mid === null || mid === undefined) return;
      acc.sum += (e.side === 'buy' ? e.fill_px - mid : mid - e.fill_px) * e.qty + e.fee;
      acc.shares += e.qty;
    },
    value: (_v, acc) => ({ edge_vs_mid: average(acc) }),
    text: (x) => (x.edge_vs_mid === null ? '-' : `${usdPerShare(x.edge_vs_mid)} per share paid (cost, fees included)`),
  }),
  figure({
    label: 'edge vs fair value',
    printed: 'both',
    start: perShare,
    // Per share, what a fill gained against the engine's fair value in the signal behind it, fee included.
    step: (acc, e, v) => {
      if (e.event_type !== 'paper_fill') return;
      const fair = v.intents.get(e.intent_id)?.fair;
      if (fair === null || fair === undefined) return;
      acc.sum += e.qty * (e.side === 'buy' ? fair - e.fill_px : e.fill_px - fair) - e.fee;
      acc.shares += e.qty;
    },
    value: (_v, acc) => ({ edge_vs_fair: average(acc) }),
    text: (x) => (x.edge_vs_fair === null ? '-' : `${usdPerShare(x.edge_vs_fair)} per share gained (fair − price − fee)`),
  }),
  figure({
    label: 'realized PnL',
    printed: 'both',
    start: none,
    step: skip,
    value: (v) => ({ realized_pnl: v.pnl?.realized ?? null }),
    text: (x) => `${usd(x.realized_pnl)} (fees included)`,
  }),
  figure({
    label: 'unrealized',
    printed: 'both',
    start: none,
    step: skip,
    value: (v) => ({ unrealized_pnl: v.pnl?.unrealized ?? null }),
    text: (x) => `${usd(x.unrealized_pnl)} (marked at best bid)`,
  }),
  figure({
    label: 'equity',
    printed: 'both',
    start: none,
    step: skip,
    value: (v) => ({ equity: v.pnl?.equity ?? null }),
    text: (x) => usd(x.equity),
  }),
  figure({
    label: 'max drawdown',
    printed: 'both',
    start: none,
    step: skip,
    value: (v) => ({ max_drawdown_usd: v.maxDrawdownUsd, max_drawdown_frac: v.maxDrawdownFrac }),
    text: (x) => `${usd(x.max_drawdown_usd)} (${pct(x.max_drawdown_frac)} of the peak before it)`,
  }),
] as const;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a figure's accumulator type is its own business.
type AnyFigure = Figure<any, object>;
/** One accumulator per figure, in the order of FIGURES. */
export type FigureState = unknown;

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;
/** Every figure's JSON fields in one object. */
export type FigureValues = UnionToIntersection<ReturnType<(typeof FIGURES)[number]['value']>>;

/** Column the printed values start at: the longest label and two spaces, after the two-space indent. */
export const LABEL_WIDTH = Math.max(...FIGURES.map((f) => f.label.length)) + 2;

export const figureLine = (label: string, text: string) => `  ${label.padEnd(LABEL_WIDTH)}${text}`;

export function stepFigures(view: FigureInputs, e: OutputEvent): void {
  FIGURES.forEach((f, i) => (f as AnyFigure).step(view.figureState[i], e, view));
}

export function figureValues(view: FigureInputs): FigureValues {
  return Object.assign({}, ...FIGURES.map((f, i) => (f as AnyFigure).value(view, view.figureState[i]))) as FigureValues;
}

/** The printed lines of the figures `who` prints, in order, from their values (a summary or report object). */
export function figureLines(values: FigureValues, who: 'summary' | 'report'): string[] {
  return (FIGURES as readonly AnyFigure[]).flatMap((f) =>
    (who === 'report' && f.printed !== 'both') || (f.shown && !f.shown(values)) ? [] : [figureLine(f.label, f.text(values))],
  );
}
