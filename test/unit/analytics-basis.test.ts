// Goal: the basis between the venue median and a market's resolution source is measured in bps, warns above its threshold, flags a market whose outcome it could flip near the window's end, and latency percentiles per source come out of the input timestamps.
import { describe, expect, it } from 'vitest';
import type { InputEvent } from '../../src/core/events.ts';
import { percentile } from '../../src/analytics/latency.ts';
import { T0, Tape, market } from './analytics-harness.ts';

const ref = (ts: number, px: number): InputEvent => ({
  event_type: 'reference_price',
  source: 'sim',
  symbol: 'btc/usd',
  px,
  ts_exchange_ms: ts - 40,
  ts_unix_ms: ts,
});
const median = (ts: number, px: number) => [
  { event_type: 'btc_median' as const, px_median: px, px_spread_bps: 1, venue_count: 5, ts_unix_ms: ts },
];

describe('basis', () => {
  it('measures the median against the resolution source in bps and warns above the threshold', () => {
    const t = new Tape({ basis: { warnBps: 4 } });
    t.step(ref(T0 + 1_000, 100_000), median(T0 + 1_000, 100_030)); // +3 bps
    t.step(ref(T0 + 2_000, 100_000), median(T0 + 2_000, 100_050)); // +5 bps
    t.timer(T0 + 9_000, median(T0 + 9_000, 200_000)); // the source is 7 s old: not compared
    const [s] = t.a.report().basis.sources;
    expect(s).toMatchObject({ source: 'sim', samples: 2, above_warn: 1, warning: true });
    expect(s!.mean_bps).toBeCloseTo(4, 9);
    expect(s!.last_bps).toBeCloseTo(5, 9);
    expect(s!.series.map((p) => p.ts_unix_ms)).toEqual([T0 + 1_000]); // one point per minute
    t.step(ref(T0 + 60_999, 100_000), median(T0 + 60_999, 100_010)); // 1 ms short of a minute: no point
    t.step(ref(T0 + 61_000, 100_000), median(T0 + 61_000, 100_010));
    expect(t.a.report().basis.sources[0]!.series.map((p) => p.ts_unix_ms)).toEqual([T0 + 1_000, T0 + 61_000]);
  });

  it('flags a market when median and source sit on opposite sides of the price to beat near its end only', () => {
    const t = new Tape();
    const end = market().window_end_ms;
    // Price to beat 100 000 (the harness market): far from the end a split does not count.
    t.step(ref(T0 + 10_000, 99_990), median(T0 + 10_000, 100_010));
    expect(t.a.report().basis.flip_risk_markets).toEqual([]);
    t.step(ref(end - 30_000, 100_005), median(end - 30_000, 100_010)); // same side
    expect(t.a.report().basis.flip_risk_markets).toEqual([]);
    t.step(ref(end - 20_000, 99_995), median(end - 20_000, 100_010));
    expect(t.a.report().basis.flip_risk_markets).toEqual(['m1']);
    // The flag outlives the market's settlement, and a market is counted once.
    t.step(ref(end - 10_000, 99_995), median(end - 10_000, 100_010));
    t.settle(end + 3_000, 'Up');
    expect(t.a.report().basis).toMatchObject({ flip_risk_markets: ['m1'], flip_risk_count: 1 });
  });
});

describe('measured latency', () => {
  it('takes exchange → receive and receive → decision percentiles per source', () => {
    const t = new Tape();
    for (let i = 1; i <= 100; i++) {
      t.step({
        event_type: 'venue_trade',
        venue: 'kraken',
        symbol: 'XBT/USD',
        px: 100_000,
        qty: 1,
        side: 'buy',
        trade_id: `k${i}`,
        ts_exchange_ms: T0 + 1_000 * i - i,
        ts_unix_ms: T0 + 1_000 * i,
      });
    }
    t.trade('up', 'buy', 5, 0.5, 0.5, T0 + 100_300);
    const row = t.a.report().latency.find((l) => l.source === 'kraken');
    // Lags 1..100 ms: the nearest-rank p50 is 50 and p99 is 99; the decision came 300 ms after the last print.
    expect(row).toMatchObject({
      samples: 100,
      exchange_to_receive_p50_ms: 50,
      exchange_to_receive_p99_ms: 99,
      receive_to_decision_p50_ms: 300,
    });
    expect(percentile([], 0.5)).toBeNull();
    expect(percentile([3, 1, 2], 1)).toBe(3);
  });
});
