/**
 * Measured latency per source (pure): exchange timestamp → our receive time of every
 * timestamped input, and receive → decision (how old each source's latest data was when
 * an order was decided). Percentiles over the newest `window` samples per source.
 */
import type { InputEvent } from '../core/events.ts';

export interface LatencyRow {
  source: string;
  samples: number;
  /** Exchange time → receive time, ms. */
  exchange_to_receive_p50_ms: number | null;
  exchange_to_receive_p99_ms: number | null;
  /** Receive time of the source's latest input → decision time, ms. */
  receive_to_decision_p50_ms: number | null;
  receive_to_decision_p99_ms: number | null;
}

/** A bounded ring of samples. */
class Ring {
  readonly xs: number[] = [];
  private next = 0;
  total = 0;
  /** The p50 and p99 of `xs` as of `total` samples: a quiet source is not sorted again on every report. */
  private quantilesAt: { total: number; values: Array<number | null> } | null = null;

  p50p99(): Array<number | null> {
    if (this.quantilesAt?.total !== this.total) this.quantilesAt = { total: this.total, values: quantiles(this.xs, [0.5, 0.99]) };
    return this.quantilesAt.values;
  }

  constructor(private readonly max: number) {}

  push(x: number): void {
    this.total += 1;
    if (this.xs.length < this.max) this.xs.push(x);
    else this.xs[this.next] = x;
    this.next = (this.next + 1) % this.max;
  }
}

/** The nearest-rank percentile (q in 0..1) of `xs`; null when empty. */
export function percentile(xs: readonly number[], q: number): number | null {
  if (xs.length === 0) return null;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** `percentile` for several quantiles with one sort (a typed array sorts numerically, without a comparator). */
export function quantiles(xs: readonly number[], qs: readonly number[]): Array<number | null> {
  if (xs.length === 0) return qs.map(() => null);
  const sorted = Float64Array.from(xs).sort();
  return qs.map((q) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!);
}

function sourceOf(input: InputEvent): string | null {
  switch (input.event_type) {
    case 'venue_trade':
      return input.venue;
    case 'reference_price':
      return input.source;
    case 'book_snapshot':
    case 'book_delta':
    case 'market_trade':
      return 'polymarket_ws';
    default:
      return null;
  }
}

export class LatencyTracker {
  private readonly receive = new Map<string, Ring>();
  private readonly decision = new Map<string, Ring>();
  private readonly lastRecv = new Map<string, number>();
  private readonly p99Cache = new Map<string, { atTotal: number; value: number | null }>();

  constructor(private readonly window = 4_096) {}

  onInput(input: InputEvent): void {
    const src = sourceOf(input);
    if (src === null || !('ts_exchange_ms' in input)) return;
    this.ring(this.receive, src).push(Math.max(0, input.ts_unix_ms - input.ts_exchange_ms));
    this.lastRecv.set(src, input.ts_unix_ms);
  }

  onDecision(tsMs: number): void {
    for (const [src, recv] of this.lastRecv) this.ring(this.decision, src).push(Math.max(0, tsMs - recv));
  }

  /** The exchange → receive p99 of `source`, recomputed every 256 new samples (a sort of at most `window`). */
  exchangeToReceiveP99(source: string): number | null {
    const r = this.receive.get(source);
    if (!r) return null;
    const c = this.p99Cache.get(source);
    if (c && r.total - c.atTotal < 256) return c.value;
    const value = percentile(r.xs, 0.99);
    this.p99Cache.set(source, { atTotal: r.total, value });
    return value;
  }

  report(): LatencyRow[] {
    return [...this.receive.keys()].sort().map((source) => {
      // One numeric sort per ring for both quantiles, and none for a ring with no new sample
      // (the report is asked for by the API while the run goes on).
      const [r50, r99] = this.receive.get(source)!.p50p99();
      const [d50, d99] = this.decision.get(source)?.p50p99() ?? [null, null];
      return {
        source,
        samples: this.receive.get(source)!.total,
        exchange_to_receive_p50_ms: r50 ?? null,
        exchange_to_receive_p99_ms: r99 ?? null,
        receive_to_decision_p50_ms: d50 ?? null,
        receive_to_decision_p99_ms: d99 ?? null,
      };
    });
  }

  private ring(m: Map<string, Ring>, src: string): Ring {
    let r = m.get(src);
    if (!r) m.set(src, (r = new Ring(this.window)));
    return r;
  }
}
