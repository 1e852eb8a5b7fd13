/**
 * Robust multi-venue reference price: the last trade of each venue; venues
 * whose last print is older than `stalenessMs` are ignored; of the fresh ones, those
 * farther than `outlierBps` from the provisional median are dropped; the median of the
 * rest is the reference. `px_spread_bps` = (max − min) / median of the accepted set.
 */

/** A venue's print as the median needs it: a `venue_trade` input is one (its `px` is the one name of the price). */
export interface PriceTick {
  readonly venue: string;
  readonly px: number;
  readonly ts_unix_ms: number;
}

export interface MedianResult {
  px_median: number;
  px_spread_bps: number;
  venue_count: number;
  /** Venues in the accepted set, sorted by name (stable output). */
  venues: string[];
  /** Last print of every fresh venue, outliers included (they are what a chart should show). */
  venue_px: Record<string, number>;
}

/** Median of a non-empty array sorted ascending; mean of the middle two for even sizes. */
export function medianOfSorted(sorted: readonly number[]): number {
  const n = sorted.length;
  const mid = n >> 1;
  return n % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export class MedianAggregator {
  private readonly last = new Map<string, PriceTick>();

  constructor(
    readonly stalenessMs: number,
    readonly outlierBps: number,
    readonly minVenues = 1,
  ) {
    if (!(stalenessMs > 0) || !(outlierBps > 0) || !(minVenues >= 1)) {
      throw new RangeError('MedianAggregator needs stalenessMs > 0, outlierBps > 0, minVenues ≥ 1');
    }
  }

  /** Records a venue's latest print; an older print than the one held is ignored. */
  update(tick: PriceTick): boolean {
    if (!Number.isFinite(tick.px) || tick.px <= 0) return false;
    const prev = this.last.get(tick.venue);
    if (prev && prev.ts_unix_ms > tick.ts_unix_ms) return false;
    // Held as given, not copied: a tick (the engine passes the `venue_trade` input itself) is an immutable value.
    this.last.set(tick.venue, tick);
    return true;
  }

  /** The median at `nowMs`, or null when fewer than `minVenues` venues qualify. */
  compute(nowMs: number): MedianResult | null {
    const fresh: PriceTick[] = [];
    for (const t of this.last.values()) {
      if (nowMs - t.ts_unix_ms <= this.stalenessMs) fresh.push(t);
    }
    if (fresh.length === 0) return null;
    const provisional = medianOfSorted(fresh.map((t) => t.px).sort((a, b) => a - b));
    const band = (provisional * this.outlierBps) / 10_000;
    const accepted = fresh.filter((t) => Math.abs(t.px - provisional) <= band);
    if (accepted.length < this.minVenues || accepted.length === 0) return null;
    const pxs = accepted.map((t) => t.px).sort((a, b) => a - b);
    const median = medianOfSorted(pxs);
    return {
      px_median: median,
      px_spread_bps: ((pxs[pxs.length - 1]! - pxs[0]!) / median) * 10_000,
      venue_count: accepted.length,
      venues: accepted.map((t) => t.venue).sort(),
      venue_px: Object.fromEntries(fresh.map((t) => [t.venue, t.px] as const).sort((a, b) => a[0].localeCompare(b[0]))),
    };
  }
}
