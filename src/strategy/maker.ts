/**
 * Maker strategy: rests two-sided quotes around fair value and earns the spread (and the
 * market's rebate) from whoever trades against them — and loses it to whoever knows better.
 *
 * - Two-sided on Polymarket's one book: a bid on Up at `fairUp − halfSpread` and a bid on
 *   Down at `fairDown − halfSpread` (a Down bid at q is an Up offer at 1 − q), so the
 *   strategy never needs to hold what it offers; a filled pair pays 1.00 at settlement.
 * - Inventory skew: with net inventory n = Up held − Down held, both quotes move by
 *   `skewPerShare × n` against the inventory (a long-Up maker bids less for Up, more for Down).
 * - Per-market inventory cap: at |n| ≥ `maxInventoryShares` the side that would add to it
 *   is pulled; each quote is sized so it cannot carry n past the cap.
 * - Quotes are pulled (cancelled) `pullBeforeEndMs` before the window ends and while the
 *   reference price is older than `maxReferenceAgeMs` (stale feeds).
 * - Post-only: a quote never reaches the other side's best price (it would take, not make).
 * - Cancel and replace: a quote whose price moved is cancelled and a new one placed; the
 *   old one works until its cancel reaches the exchange (paper/execution.ts).
 */
import { roundToTick } from '../core/book.ts';
import type { Decision, CancelDecision, MarketView, Strategy, TokenView, WorkingView } from './types.ts';

export interface MakerParams {
  /** Distance of each quote below the token's fair value (probability points). */
  halfSpread: number;
  /** Shares per quote. */
  qtyShares: number;
  /** Quote shift per share of net inventory (probability points). */
  skewPerShare: number;
  /** Net inventory (shares) past which the side that adds to it is pulled. */
  maxInventoryShares: number;
  /** Quotes are pulled this long before the window ends. */
  pullBeforeEndMs: number;
  /** Quotes are pulled while the reference price is older than this. */
  maxReferenceAgeMs: number;
}

export const DEFAULT_MAKER: MakerParams = Object.freeze({
  halfSpread: 0.01,
  qtyShares: 10,
  skewPerShare: 0.0005,
  maxInventoryShares: 50,
  pullBeforeEndMs: 60_000,
  maxReferenceAgeMs: 3_000,
});

/** Cancels asked for are remembered (bounded) so a cancel is sent once. */
const CANCELS_REMEMBERED = 1_024;

export class MakerStrategy implements Strategy {
  readonly name = 'maker';
  private readonly cancelled = new Set<string>();

  constructor(readonly p: MakerParams = DEFAULT_MAKER) {
    const ok =
      p.halfSpread >= 0 &&
      p.halfSpread < 0.5 &&
      p.qtyShares > 0 &&
      p.skewPerShare >= 0 &&
      p.maxInventoryShares > 0 &&
      p.pullBeforeEndMs >= 0 &&
      p.maxReferenceAgeMs > 0;
    if (!ok)
      throw new RangeError(
        'MakerStrategy needs halfSpread in [0, 0.5), qtyShares > 0, skewPerShare ≥ 0, maxInventoryShares > 0, pullBeforeEndMs ≥ 0, maxReferenceAgeMs > 0',
      );
  }

  evaluate(view: MarketView): (Decision | CancelDecision)[] {
    const working = view.working ?? [];
    const up = view.tokens.find((t) => t.outcome === 'Up');
    const down = view.tokens.find((t) => t.outcome === 'Down');
    const pull =
      view.time_left_ms < this.p.pullBeforeEndMs
        ? 'pull_near_end'
        : (view.reference_age_ms ?? 0) > this.p.maxReferenceAgeMs
          ? 'pull_stale_feeds'
          : null;
    if (pull || !up || !down) return this.cancelAll(working, pull ?? 'no_tokens');
    const net = up.held_qty - down.held_qty;
    const out: (Decision | CancelDecision)[] = [];
    this.quote(view, up, -net, working, out);
    this.quote(view, down, net, working, out);
    return out;
  }

  /** One token's bid: kept if it is where it should be, else cancelled and replaced. `towardFlat` is minus the net inventory in this token. */
  private quote(
    view: MarketView,
    t: TokenView,
    towardFlat: number,
    working: readonly WorkingView[],
    out: (Decision | CancelDecision)[],
  ): void {
    const tick = view.market.tick_size;
    // Long this token (towardFlat < 0): bid less; short it (long the other): bid more.
    const target = t.fair - this.p.halfSpread + this.p.skewPerShare * towardFlat;
    let px = Math.floor(target / tick + 1e-9) * tick;
    if (t.best_ask !== null) px = Math.min(px, t.best_ask - tick);
    px = roundToTick(px, tick);
    const held = -towardFlat;
    const qty = Math.min(this.p.qtyShares, this.p.maxInventoryShares - held);
    const wanted = px >= tick && px <= 1 - tick && qty >= view.market.min_size ? px : null;
    const mine = working.filter((w) => w.token_id === t.token_id && w.side === 'buy' && !this.cancelled.has(w.intent_id));
    const keep = wanted !== null && mine.length === 1 && Math.abs(mine[0]!.limit_px - wanted) < tick / 2;
    if (keep) return;
    for (const w of mine) out.push(this.cancelOne(w.intent_id, wanted === null ? 'pull_inventory_cap' : 'replace'));
    if (wanted === null) return;
    out.push({
      token_id: t.token_id,
      outcome: t.outcome,
      side: 'buy',
      qty,
      limit_px: wanted,
      tif: 'GTC',
      quote: true,
      reason: 'quote',
      numbers: { fair: t.fair, half_spread: this.p.halfSpread, net_inventory: held, skew: this.p.skewPerShare * towardFlat, bid: wanted },
    });
  }

  private cancelAll(working: readonly WorkingView[], reason: string): CancelDecision[] {
    return working.filter((w) => !this.cancelled.has(w.intent_id)).map((w) => this.cancelOne(w.intent_id, reason));
  }

  private cancelOne(intentId: string, reason: string): CancelDecision {
    this.cancelled.add(intentId);
    if (this.cancelled.size > CANCELS_REMEMBERED) this.cancelled.delete(this.cancelled.values().next().value!);
    return { cancel: intentId, reason };
  }
}
