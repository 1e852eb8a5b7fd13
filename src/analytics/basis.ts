/**
 * Basis (pure): the venue median against each resolution source (Chainlink, the Binance
 * price, the simulator's), in bps over time, and the markets where that difference could
 * decide the outcome. The median mixes USD and USDT pairs; a market resolves on its own
 * source, so a gap between the two is a risk the fair value does not see.
 */
import type { MarketInfo, ReferencePrice } from '../core/events.ts';

export interface BasisOptions {
  /** A resolution print older than this (input time) is not compared. */
  maxAgeMs: number;
  /** |basis| above this is a warning. */
  warnBps: number;
  /** One point of the series per this much input time. */
  seriesIntervalMs: number;
  seriesMax: number;
  /** A flip is looked for only this close to a window's end (the outcome is read there). */
  flipCheckMs: number;
}

export const DEFAULT_BASIS: BasisOptions = {
  maxAgeMs: 5_000,
  warnBps: 10,
  // One point a minute over the last 24 h: the series is 97 % of a /trust body, so a 10 s
  // grid (8,640 points a source) made every body ~4x larger for a chart nobody reads at 10 s.
  seriesIntervalMs: 60_000,
  seriesMax: 1_440,
  flipCheckMs: 60_000,
};

export interface BasisSource {
  source: string;
  samples: number;
  mean_bps: number | null;
  max_abs_bps: number | null;
  last_bps: number | null;
  /** True when the latest basis is above the warning threshold. */
  warning: boolean;
  /** Samples above the warning threshold. */
  above_warn: number;
  series: { ts_unix_ms: number; bps: number }[];
}

export interface BasisReport {
  warn_bps: number;
  sources: BasisSource[];
  /** Markets where, in the last `flipCheckMs` of their window, the median and the resolution source fell on opposite sides of the price to beat. */
  flip_risk_markets: string[];
  flip_risk_count: number;
}

interface SourceState {
  px: number;
  tsMs: number;
  samples: number;
  sum: number;
  maxAbs: number;
  last: number | null;
  aboveWarn: number;
  series: { ts_unix_ms: number; bps: number }[];
}

export class BasisTracker {
  private readonly sources = new Map<string, SourceState>();
  private readonly markets = new Map<string, MarketInfo>();
  /** The newest flagged markets (bounded) and how many were flagged in all. */
  private readonly flipped = new Set<string>();
  private flipCount = 0;

  constructor(readonly opts: BasisOptions = DEFAULT_BASIS) {}

  onReference(r: ReferencePrice): void {
    const s = this.sources.get(r.source);
    if (s) {
      s.px = r.px;
      s.tsMs = r.ts_unix_ms;
    } else {
      this.sources.set(r.source, { px: r.px, tsMs: r.ts_unix_ms, samples: 0, sum: 0, maxAbs: 0, last: null, aboveWarn: 0, series: [] });
    }
  }

  onMarket(m: MarketInfo): void {
    this.markets.set(m.market_id, m);
    // Markets forgotten without a result leave eventually: keep the newest thousand.
    if (this.markets.size > 1_024) this.markets.delete(this.markets.keys().next().value!);
  }

  onMarketGone(marketId: string): void {
    this.markets.delete(marketId);
  }

  onMedian(medianPx: number, nowMs: number): void {
    for (const s of this.sources.values()) {
      if (nowMs - s.tsMs > this.opts.maxAgeMs) continue;
      const bps = ((medianPx - s.px) / s.px) * 10_000;
      s.samples += 1;
      s.sum += bps;
      s.maxAbs = Math.max(s.maxAbs, Math.abs(bps));
      s.last = bps;
      if (Math.abs(bps) > this.opts.warnBps) s.aboveWarn += 1;
      const lastPoint = s.series[s.series.length - 1];
      if (!lastPoint || nowMs - lastPoint.ts_unix_ms >= this.opts.seriesIntervalMs) {
        s.series.push({ ts_unix_ms: nowMs, bps });
        if (s.series.length > this.opts.seriesMax) s.series.shift();
      }
    }
    this.checkFlips(medianPx, nowMs);
  }

  /** Near a market's window end, median and its source on opposite sides of the price to beat. */
  private checkFlips(medianPx: number, nowMs: number): void {
    for (const m of this.markets.values()) {
      const k = m.price_to_beat;
      if (k === null || this.flipped.has(m.market_id) || nowMs < m.window_end_ms - this.opts.flipCheckMs || nowMs > m.window_end_ms)
        continue;
      const s = this.sources.get(m.resolution.source);
      if (!s || nowMs - s.tsMs > this.opts.maxAgeMs) continue;
      if (medianPx >= k !== s.px >= k) {
        this.flipped.add(m.market_id);
        this.flipCount += 1;
        if (this.flipped.size > 1_024) this.flipped.delete(this.flipped.values().next().value!);
      }
    }
  }

  /** `withSeries: false` leaves the series out (feed health asks on every probe and needs only the latest basis). */
  report(withSeries = true): BasisReport {
    const sources = [...this.sources.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([source, s]) => ({
        source,
        samples: s.samples,
        mean_bps: s.samples > 0 ? s.sum / s.samples : null,
        max_abs_bps: s.samples > 0 ? s.maxAbs : null,
        last_bps: s.last,
        warning: s.last !== null && Math.abs(s.last) > this.opts.warnBps,
        above_warn: s.aboveWarn,
        series: withSeries ? [...s.series] : [],
      }));
    return { warn_bps: this.opts.warnBps, sources, flip_risk_count: this.flipCount, flip_risk_markets: [...this.flipped].sort() };
  }
}
