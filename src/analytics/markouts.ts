/**
 * Markouts (pure): after each fill, the token's mid and the best price we could exit at
 * (the bid after a buy, the ask after a sell) at fixed horizons, and the payout at
 * settlement. Positive = the market moved our way after the fill; a strategy whose
 * markouts are negative on average is being picked off (adverse selection).
 */
import type { Side } from '../core/events.ts';

export const MARKOUT_HORIZONS_MS = [1_000, 5_000, 30_000, 60_000] as const;

export interface Touch {
  bid: number | null;
  ask: number | null;
}

export interface MarkoutSample {
  /** (mid − price) for a buy, (price − mid) for a sell, per share; null without a two-sided book. */
  mid: number | null;
  /** (bid − price) for a buy, (price − ask) for a sell, per share; null without that side. */
  exit: number | null;
}

export interface MarkedFill {
  token_id: string;
  side: Side;
  fill_px: number;
  fill_ms: number;
  samples: (MarkoutSample | null)[];
  /** (payout − price) for a buy, (price − payout) for a sell; null until settled. */
  settle: number | null;
}

export function markout(side: Side, fillPx: number, t: Touch): MarkoutSample {
  const sign = side === 'buy' ? 1 : -1;
  const mid = t.bid !== null && t.ask !== null ? (t.bid + t.ask) / 2 : null;
  const exitPx = side === 'buy' ? t.bid : t.ask;
  return { mid: mid === null ? null : sign * (mid - fillPx), exit: exitPx === null ? null : sign * (exitPx - fillPx) };
}

export function settleMarkout(side: Side, fillPx: number, payout: number): number {
  return side === 'buy' ? payout - fillPx : fillPx - payout;
}

/**
 * Samples due fills as time advances. One FIFO per horizon: fills arrive in time order,
 * so each queue is ordered by due time and sampling is O(due) per input. `T` is whatever
 * holds the marks (a fill record); `onSample` hears each sample as it is taken, so the
 * report can fold it in (fillFigures.ts).
 */
export class MarkoutClock<T extends { marks: MarkedFill }> {
  private readonly queues: T[][] = MARKOUT_HORIZONS_MS.map(() => []);
  private readonly heads: number[] = MARKOUT_HORIZONS_MS.map(() => 0);

  add(f: T): void {
    for (const q of this.queues) q.push(f);
  }

  /**
   * Samples every fill whose horizon is due before `nowMs` (or at it, when `inclusive`),
   * reading the touch of its token as it stands now.
   */
  sampleDue(nowMs: number, inclusive: boolean, touchOf: (tokenId: string) => Touch, onSample?: (f: T, horizon: number) => void): void {
    for (let i = 0; i < MARKOUT_HORIZONS_MS.length; i++) {
      const q = this.queues[i]!;
      let head = this.heads[i]!;
      if (head >= q.length) continue;
      const h = MARKOUT_HORIZONS_MS[i]!;
      while (head < q.length) {
        const item = q[head]!;
        const f = item.marks;
        const due = f.fill_ms + h;
        if (inclusive ? due > nowMs : due >= nowMs) break;
        f.samples[i] = markout(f.side, f.fill_px, touchOf(f.token_id));
        onSample?.(item, i);
        head += 1;
      }
      // Compact now and then so a long run does not keep sampled fills in the queue.
      if (head > 1_024 && head * 2 > q.length) {
        q.splice(0, head);
        head = 0;
      }
      this.heads[i] = head;
    }
  }
}
