/**
 * The trade filter: checks a venue's trade must pass before it may reach the median — not
 * absurd (outside a hard dollar band, or too far from the current reference price), not
 * out of order (exchange time older than the venue's last accepted trade minus a
 * tolerance), and not a duplicate. It runs in the engine, before the median, so sim,
 * paper-live and replay filter trades identically.
 *
 * Duplicates need only a short memory: a resent trade carries its original exchange time,
 * so one older than the tolerance window is already refused as out of order, and one
 * strictly newer than every accepted trade cannot have been seen. Only the trades accepted
 * within the window are remembered, and only a trade that is not strictly newer is looked
 * up among them — most trades cost a comparison and an append.
 */
import type { VenueTrade } from '../core/events.ts';

export interface TradeFilterOptions {
  /** Hard band for BTC in dollars: anything outside is a broken frame, not a price. */
  minPx: number;
  maxPx: number;
  /** Largest allowed relative distance from the reference price (0.1 = 10 %). */
  maxDeviationFrac: number;
  /** How far behind the last accepted exchange time a trade may be and still be accepted. */
  outOfOrderToleranceMs: number;
  /** Upper bound on the trades remembered per venue for duplicate detection (those within the tolerance window). */
  recentIdsMax: number;
  /** A reference (median) older than this is not used to judge absurd prices. */
  referenceMaxAgeMs: number;
}

export const DEFAULT_TRADE_FILTER: Readonly<TradeFilterOptions> = Object.freeze({
  minPx: 1_000,
  maxPx: 10_000_000,
  maxDeviationFrac: 0.1,
  outOfOrderToleranceMs: 1_000,
  recentIdsMax: 4_096,
  referenceMaxAgeMs: 10_000,
});

export const TRADE_REJECT_REASONS = ['duplicate', 'out_of_order', 'absurd_px'] as const;
export type TradeRejectReason = (typeof TRADE_REJECT_REASONS)[number];

/** The trades a venue accepted within the out-of-order window, oldest first, bounded. */
export class RecentTrades {
  private ids: string[] = [];
  private times: number[] = [];
  private head = 0;

  constructor(private readonly max: number) {}

  /** Whether `id` was accepted within the window. */
  has(id: string): boolean {
    for (let i = this.head; i < this.ids.length; i++) if (this.ids[i] === id) return true;
    return false;
  }

  /** Remembers an accepted trade and forgets those older than `oldestMs`. */
  add(id: string, tsMs: number, oldestMs: number): void {
    this.ids.push(id);
    this.times.push(tsMs);
    while (this.head < this.ids.length && (this.times[this.head]! < oldestMs || this.ids.length - this.head > this.max)) this.head++;
    // Compact now and then so the arrays stay as small as the window.
    if (this.head > 64 && this.head * 2 > this.ids.length) {
      this.ids = this.ids.slice(this.head);
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
  }

  get size(): number {
    return this.ids.length - this.head;
  }

  /** Array slots held: the trades remembered plus those forgotten but not yet compacted away (the memory a venue costs). */
  get slots(): number {
    return this.ids.length;
  }
}

interface VenueMemory {
  recent: RecentTrades;
  lastExchangeMs: number | null;
  rejectedBy: Record<TradeRejectReason, number>;
}

export type TradeVerdict = { reason: TradeRejectReason; detail: string } | null;

export class TradeFilter {
  private readonly venues = new Map<string, VenueMemory>();

  constructor(readonly opts: Readonly<TradeFilterOptions> = DEFAULT_TRADE_FILTER) {}

  /** Null when the trade may pass, else why it is refused (counted per venue). `referencePx`: the current reference, or null. */
  check(t: VenueTrade, referencePx: number | null): TradeVerdict {
    const mem = this.memory(t.venue);
    const verdict = this.judge(t, referencePx, mem);
    if (verdict) mem.rejectedBy[verdict.reason] += 1;
    return verdict;
  }

  /** Trades of `venue` refused so far, by reason (zeros for a venue never seen). */
  rejectedBy(venue: string): Record<TradeRejectReason, number> {
    return { ...(this.venues.get(venue)?.rejectedBy ?? { duplicate: 0, out_of_order: 0, absurd_px: 0 }) };
  }

  private judge(t: VenueTrade, ref: number | null, mem: VenueMemory): TradeVerdict {
    const o = this.opts;
    if (!(t.px >= o.minPx && t.px <= o.maxPx)) return { reason: 'absurd_px', detail: `px ${t.px} outside [${o.minPx}, ${o.maxPx}]` };
    if (ref !== null && ref > 0 && Math.abs(t.px / ref - 1) > o.maxDeviationFrac) {
      return { reason: 'absurd_px', detail: `px ${t.px} is ${((t.px / ref - 1) * 100).toFixed(1)}% from reference ${ref}` };
    }
    const last = mem.lastExchangeMs;
    if (last !== null && t.ts_exchange_ms < last - o.outOfOrderToleranceMs) {
      return {
        reason: 'out_of_order',
        detail: `exchange time ${t.ts_exchange_ms} is ${last - t.ts_exchange_ms} ms before the last accepted trade`,
      };
    }
    if (last !== null && t.ts_exchange_ms <= last && mem.recent.has(t.trade_id)) {
      return { reason: 'duplicate', detail: `trade_id ${t.trade_id} seen before` };
    }
    // Remembered only once every check passed, so a rejected frame cannot mask a good one.
    const newest = Math.max(last ?? t.ts_exchange_ms, t.ts_exchange_ms);
    mem.lastExchangeMs = newest;
    mem.recent.add(t.trade_id, t.ts_exchange_ms, newest - o.outOfOrderToleranceMs);
    return null;
  }

  private memory(venue: string): VenueMemory {
    let m = this.venues.get(venue);
    if (!m)
      this.venues.set(
        venue,
        (m = {
          recent: new RecentTrades(this.opts.recentIdsMax),
          lastExchangeMs: null,
          rejectedBy: { duplicate: 0, out_of_order: 0, absurd_px: 0 },
        }),
      );
    return m;
  }
}
