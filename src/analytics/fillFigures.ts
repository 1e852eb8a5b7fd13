/**
 * The per-fill figures of the trust report, folded as each fill's facts arrive (pure): a
 * fill counts when it is made, its tape label when its window closes, each markout horizon
 * when it is sampled, its settled PnL and settlement markout when its market settles (taken
 * back and replaced when an official result corrects the outcome). A report then costs
 * O(strategies × sides × horizons) instead of a pass over every fill of the run, and no
 * fill needs to be kept once its facts are in. The sums are exact (exactSum.ts), so the
 * figures equal trustReport.ts's `buildReport` over the same fill records to the last bit
 * (test/unit/trust-incremental.test.ts).
 */
import type { Side } from '../core/events.ts';
import { FILL_MODELS, type ModelPrices } from './fillModels.ts';
import { MARKOUT_HORIZONS_MS } from './markouts.ts';
import type { FillRecord } from './records.ts';
import type { TapeLabel } from './tape.ts';
import type { FillModelRange, MarkoutRow, TapeSummary } from './trustReport.ts';
import { ExactSum } from './exactSum.ts';

/** A quantity-weighted mean of the non-null values, as trustReport.ts `weighted` defines it. */
class Weighted {
  samples = 0;
  private readonly qty = new ExactSum();
  private readonly sum = new ExactSum();

  /** `sign` −1 takes back what +1 added. */
  add(value: number | null, qty: number, sign: 1 | -1 = 1): void {
    if (value === null) return;
    this.samples += sign;
    this.qty.add(sign * qty);
    this.sum.add(sign * (value * qty));
  }

  avg(): number | null {
    const w = this.qty.value();
    return w > 0 ? this.sum.value() / w : null;
  }
}

interface Group {
  strategy: string;
  side: Side;
  fills: number;
  mid: Weighted[];
  exit: Weighted[];
  settle: Weighted;
}

/** What a settled fill held before its market was settled again (a correction). */
export interface SettledBefore {
  pnl: ModelPrices | null;
  settle: number | null;
}

export type FillFiguresReport = {
  fills: number;
  tape: TapeSummary;
  markouts: MarkoutRow[];
  fill_models: Omit<FillModelRange, 'pessimistic_latency' | 'queue'>;
};

export class FillFigures {
  private fills = 0;
  private readonly labels: Record<TapeLabel, number> = { confirmed: 0, unconfirmed: 0, unknown: 0 };
  private settledTrades = 0;
  private readonly pnl: Record<keyof ModelPrices, ExactSum> = {
    optimistic: new ExactSum(),
    default: new ExactSum(),
    pessimistic: new ExactSum(),
  };
  /** Settled PnL (default model) of the fills whose final label is `confirmed`. */
  private readonly confirmedPnl = new ExactSum();
  /** One per strategy and side (a handful): the markout rows. */
  private readonly groups = new Map<string, Group>();

  onFill(rec: FillRecord): void {
    this.fills += 1;
    this.group(rec).fills += 1;
  }

  /** The fill's tape window has closed and `rec.tape` holds its final label. */
  onLabel(rec: FillRecord): void {
    const label = rec.tape!.label;
    this.labels[label] += 1;
    if (label === 'confirmed' && rec.pnl) this.confirmedPnl.add(rec.pnl.default);
  }

  /** Horizon `i` of the fill's markouts has just been sampled. */
  onSample(rec: FillRecord, i: number): void {
    const s = rec.marks.samples[i];
    const g = this.group(rec);
    g.mid[i]!.add(s?.mid ?? null, rec.fill.qty);
    g.exit[i]!.add(s?.exit ?? null, rec.fill.qty);
  }

  /** The fill's market settled (again, when `before` holds a first result): its PnL and settlement markout are in `rec`. */
  onSettle(rec: FillRecord, before: SettledBefore): void {
    const g = this.group(rec);
    const qty = rec.fill.qty;
    g.settle.add(before.settle, qty, -1);
    g.settle.add(rec.marks.settle, qty);
    const confirmed = rec.tape?.label === 'confirmed';
    this.addPnl(before.pnl, -1, confirmed);
    this.addPnl(rec.pnl, 1, confirmed);
  }

  /**
   * The figures; `pending` are the fills still inside their tape window with the label
   * they would get on what has been seen so far.
   */
  report(pending: readonly { rec: FillRecord; label: TapeLabel }[], windowMs: number): FillFiguresReport {
    const n = { ...this.labels };
    const confirmedPnl = this.confirmedPnl.copy();
    for (const { rec, label } of pending) {
      n[label] += 1;
      if (label === 'confirmed' && rec.pnl) confirmedPnl.add(rec.pnl.default);
    }
    const pnl: ModelPrices = {
      optimistic: this.pnl.optimistic.value(),
      default: this.pnl.default.value(),
      pessimistic: this.pnl.pessimistic.value(),
    };
    const confirmed = confirmedPnl.value();
    return {
      fills: this.fills,
      tape: {
        window_ms: windowMs,
        ...n,
        confirmed_share: this.fills > 0 ? n.confirmed / this.fills : null,
        settled_pnl: pnl.default,
        confirmed_pnl: confirmed,
        confirmed_pnl_share: pnl.default !== 0 ? confirmed / pnl.default : null,
      },
      markouts: this.markoutRows(),
      fill_models: {
        settled_trades: this.settledTrades,
        pnl,
        low: Math.min(pnl.optimistic, pnl.default, pnl.pessimistic),
        high: Math.max(pnl.optimistic, pnl.default, pnl.pessimistic),
      },
    };
  }

  private addPnl(pnl: ModelPrices | null, sign: 1 | -1, confirmed: boolean): void {
    if (!pnl) return;
    this.settledTrades += sign;
    for (const m of FILL_MODELS) this.pnl[m].add(sign * pnl[m]);
    if (confirmed) this.confirmedPnl.add(sign * pnl.default);
  }

  private markoutRows(): MarkoutRow[] {
    return [...this.groups.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([, g]) => ({
        strategy: g.strategy,
        side: g.side,
        fills: g.fills,
        horizons: MARKOUT_HORIZONS_MS.map((h, i) => ({
          horizon_ms: h,
          samples: g.mid[i]!.samples,
          mid: g.mid[i]!.avg(),
          exit: g.exit[i]!.avg(),
        })),
        settlement: { samples: g.settle.samples, avg: g.settle.avg() },
      }));
  }

  private group(rec: FillRecord): Group {
    // The key trustReport.ts groups by: rows sort the same way.
    const key = `${rec.strategy}\u0000${rec.fill.side}`;
    let g = this.groups.get(key);
    if (!g) {
      const ws = () => MARKOUT_HORIZONS_MS.map(() => new Weighted());
      g = { strategy: rec.strategy, side: rec.fill.side, fills: 0, mid: ws(), exit: ws(), settle: new Weighted() };
      this.groups.set(key, g);
    }
    return g;
  }
}
