/**
 * The trade filter: checks a venue's trade must pass before it may reach the median — not
 * a duplicate (bounded memory of recent trade ids per venue), not out of order (exchange
 * time older than the venue's last accepted trade minus a tolerance), and not absurd
 * (outside a hard dollar band, or too far from the current reference price). It runs in
 * the engine, before the median, so sim, paper-live and replay filter trades identically.
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
  /** How many recent trade ids are remembered per venue for duplicate detection. */
  recentIdsMax: number;
  /** A reference (median) older than this is not used to judge absurd prices. */
  referenceMaxAgeMs: number;
}

export const DEFAULT_TRADE_FILTER: Readonly<TradeFilterOptions> = Object.freeze({
  minPx: 1_000, maxPx: 10_000_000, maxDeviationFrac: 0.1, outOfOrderToleranceMs: 1_000, recentIdsMax: 4_096, referenceMaxAgeMs: 10_000,
});

export const TRADE_REJECT_REASONS = ['duplicate', 'out_of_order', 'absurd_px'] as const;
export type TradeRejectReason = (typeof TRADE_REJECT_REASONS)[number];

/** A set of the last `max` ids: a ring buffer decides which id is forgotten next. */
export class RecentIds {
  private readonly set = new Set<string>();
  private readonly ring: (string | undefined)[];
  private next = 0;

  constructor(max: number) {
    this.ring = new Array<string | undefined>(Math.max(1, max));
  }

  /** Adds `id`; returns false if it was already present. */
  add(id: string): boolean {
    if (this.set.has(id)) return false;
    const evicted = this.ring[this.next];
    if (evicted !== undefined) this.set.delete(evicted);
    this.ring[this.next] = id;
    this.next = (this.next + 1) % this.ring.length;
    this.set.add(id);
    return true;
  }

  get size(): number {
    return this.set.size;
  }
}

interface VenueMemory {
  ids: RecentIds;
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
    if (mem.lastExchangeMs !== null && t.ts_exchange_ms < mem.lastExchangeMs - o.outOfOrderToleranceMs) {
      return { reason: 'out_of_order', detail: `exchange time ${t.ts_exchange_ms} is ${mem.lastExchangeMs - t.ts_exchange_ms} ms before the last accepted trade` };
    }
    // Remembered only once the other checks pass, so a rejected frame cannot mask a good one.
    if (!mem.ids.add(t.trade_id)) return { reason: 'duplicate', detail: `trade_id ${t.trade_id} seen before` };
    mem.lastExchangeMs = Math.max(mem.lastExchangeMs ?? 0, t.ts_exchange_ms);
    return null;
  }

  private memory(venue: string): VenueMemory {
    let m = this.venues.get(venue);
    if (!m) this.venues.set(venue, (m = { ids: new RecentIds(this.opts.recentIdsMax), lastExchangeMs: null, rejectedBy: { duplicate: 0, out_of_order: 0, absurd_px: 0 } }));
    return m;
  }
}
