/**
 * Per-venue checks a parsed trade must pass before it may reach the median: not a duplicate
 * (bounded memory of recent trade ids), not out of order (exchange time older than the last
 * accepted trade minus a tolerance), and not absurd (outside a hard dollar band, or too far
 * from the current reference price). Also a log throttle so a burst of bad input produces one
 * line plus a periodic count instead of thousands of lines.
 */
import type { Logger } from 'pino';
import type { VenueTrade } from '../core/events.ts';

export interface TradeGuardOptions {
  /** Hard band for BTC in dollars: anything outside is a broken frame, not a price. */
  minPx: number;
  maxPx: number;
  /** Largest allowed relative distance from the reference price (0.1 = 10 %). */
  maxDeviationFrac: number;
  /** How far behind the last accepted exchange time a trade may be and still be accepted. */
  outOfOrderToleranceMs: number;
  /** How many recent trade ids are remembered for duplicate detection. */
  recentIdsMax: number;
}

export const DEFAULT_GUARDS: TradeGuardOptions = {
  minPx: 1_000, maxPx: 10_000_000, maxDeviationFrac: 0.1, outOfOrderToleranceMs: 1_000, recentIdsMax: 4_096,
};

export type RejectReason = 'duplicate' | 'out_of_order' | 'absurd_px';

/** A set of the last `max` ids: a ring buffer decides which id is forgotten next. */
export class RecentIds {
  private readonly set = new Set<string>();
  private readonly ring: (string | undefined)[];
  private next = 0;

  constructor(private readonly max: number) {
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

export class TradeGuard {
  private readonly ids: RecentIds;
  private lastExchangeMs: number | null = null;

  constructor(private readonly opts: TradeGuardOptions, private readonly referencePx: () => number | null) {
    this.ids = new RecentIds(opts.recentIdsMax);
  }

  /** Null when the trade may pass, else why it is rejected (with a detail for the log). */
  check(t: VenueTrade): { reason: RejectReason; detail: string } | null {
    const o = this.opts;
    if (!(t.px >= o.minPx && t.px <= o.maxPx)) return { reason: 'absurd_px', detail: `px ${t.px} outside [${o.minPx}, ${o.maxPx}]` };
    const ref = this.referencePx();
    if (ref !== null && ref > 0 && Math.abs(t.px / ref - 1) > o.maxDeviationFrac) {
      return { reason: 'absurd_px', detail: `px ${t.px} is ${((t.px / ref - 1) * 100).toFixed(1)}% from reference ${ref}` };
    }
    if (this.lastExchangeMs !== null && t.ts_exchange_ms < this.lastExchangeMs - o.outOfOrderToleranceMs) {
      return { reason: 'out_of_order', detail: `exchange time ${t.ts_exchange_ms} is ${this.lastExchangeMs - t.ts_exchange_ms} ms before the last accepted trade` };
    }
    // Remembered only once the other checks pass, so a rejected frame cannot mask a good one.
    if (!this.ids.add(t.trade_id)) return { reason: 'duplicate', detail: `trade_id ${t.trade_id} seen before` };
    this.lastExchangeMs = Math.max(this.lastExchangeMs ?? 0, t.ts_exchange_ms);
    return null;
  }
}

/**
 * Logs the first occurrence of a kind of bad input, then at most one summary line per
 * interval with how many more were suppressed.
 */
export class BurstLog {
  private lastLogMs = Number.NEGATIVE_INFINITY;
  private suppressed = 0;
  private lastReason = '';

  constructor(private readonly log: Logger, private readonly what: string, private readonly intervalMs: number, private readonly now: () => number) {}

  note(reason: string, extra: Record<string, unknown> = {}): void {
    const now = this.now();
    this.lastReason = reason;
    if (now - this.lastLogMs < this.intervalMs) {
      this.suppressed += 1;
      return;
    }
    const more = this.suppressed > 0 ? ` (+${this.suppressed} more since the last report)` : '';
    this.log.warn({ ...extra, reason, suppressed: this.suppressed }, `${this.what}: ${reason}${more}`);
    this.lastLogMs = now;
    this.suppressed = 0;
  }

  /** Reports what was suppressed, if the interval has passed (called from a periodic tick). */
  flush(): void {
    if (this.suppressed === 0 || this.now() - this.lastLogMs < this.intervalMs) return;
    this.log.warn({ suppressed: this.suppressed, reason: this.lastReason }, `${this.what}: ${this.suppressed} more in the last ${Math.round((this.now() - this.lastLogMs) / 1000)} s (latest: ${this.lastReason})`);
    this.lastLogMs = this.now();
    this.suppressed = 0;
  }
}
