// Goal: the median aggregator ignores stale venues and outliers and reports the accepted set.
import { describe, expect, it } from 'vitest';
import { MedianAggregator } from '../../src/pricing/median.ts';

const NOW = 1_000_000;

describe('MedianAggregator', () => {
  it('uses three fresh ticks, dropping one stale and one outlier', () => {
    const m = new MedianAggregator(2000, 200);
    m.update({ venue: 'coinbase', px: 64_000, ts_unix_ms: NOW - 100 });
    m.update({ venue: 'kraken', px: 64_010, ts_unix_ms: NOW - 500 });
    m.update({ venue: 'bitstamp', px: 64_020, ts_unix_ms: NOW - 1_000 });
    m.update({ venue: 'okx', px: 64_500, ts_unix_ms: NOW - 5_000 }); // stale
    m.update({ venue: 'bybit', px: 70_000, ts_unix_ms: NOW - 50 }); // outlier (>200 bps)
    const r = m.compute(NOW)!;
    expect(r.venue_count).toBe(3);
    expect(r.px_median).toBe(64_010);
    expect(r.venues).toEqual(['bitstamp', 'coinbase', 'kraken']);
    expect(r.px_spread_bps).toBeCloseTo((20 / 64_010) * 10_000, 9);
  });

  it('averages the middle two for an even count', () => {
    const m = new MedianAggregator(2000, 200);
    for (const [v, px] of [
      ['a', 100],
      ['b', 101],
      ['c', 102],
      ['d', 103],
    ] as const)
      m.update({ venue: v, px, ts_unix_ms: NOW });
    expect(m.compute(NOW)).toMatchObject({ px_median: 101.5, venue_count: 4 });
  });

  it('returns the single venue when only one is fresh', () => {
    const m = new MedianAggregator(2000, 200);
    m.update({ venue: 'a', px: 64_000, ts_unix_ms: NOW });
    expect(m.compute(NOW)).toMatchObject({ px_median: 64_000, venue_count: 1, px_spread_bps: 0 });
  });

  it('returns none when every venue is stale', () => {
    const m = new MedianAggregator(2000, 200);
    m.update({ venue: 'a', px: 64_000, ts_unix_ms: NOW - 2_001 });
    m.update({ venue: 'b', px: 64_001, ts_unix_ms: NOW - 10_000 });
    expect(m.compute(NOW)).toBeNull();
  });

  it('returns none below the minimum venue count', () => {
    const m = new MedianAggregator(2000, 200, 3);
    m.update({ venue: 'a', px: 64_000, ts_unix_ms: NOW });
    m.update({ venue: 'b', px: 64_001, ts_unix_ms: NOW });
    expect(m.compute(NOW)).toBeNull();
  });

  it('ignores an older print than the one held and non-positive prices', () => {
    const m = new MedianAggregator(2000, 200);
    expect(m.update({ venue: 'a', px: 64_000, ts_unix_ms: NOW })).toBe(true);
    expect(m.update({ venue: 'a', px: 10, ts_unix_ms: NOW - 1 })).toBe(false);
    expect(m.update({ venue: 'a', px: Number.NaN, ts_unix_ms: NOW + 1 })).toBe(false);
    expect(m.update({ venue: 'a', px: -1, ts_unix_ms: NOW + 1 })).toBe(false);
    expect(m.compute(NOW)!.px_median).toBe(64_000);
  });

  it('rejects nonsensical parameters', () => {
    expect(() => new MedianAggregator(0, 200)).toThrow(RangeError);
    expect(() => new MedianAggregator(2000, -1)).toThrow(RangeError);
    expect(() => new MedianAggregator(2000, 0)).toThrow(/outlierBps > 0/);
    expect(() => new MedianAggregator(2000, 200, 0)).toThrow(/minVenues ≥ 1/);
    expect(() => new MedianAggregator(1, 1, 1)).not.toThrow();
  });

  it('ignores a zero price', () => {
    const m = new MedianAggregator(2000, 200);
    expect(m.update({ venue: 'a', px: 0, ts_unix_ms: NOW })).toBe(false);
    expect(m.compute(NOW)).toBeNull();
  });

  it('judges outliers from the median of the sorted prices, whatever order the venues printed in', () => {
    // Numerically sorted, the provisional median is 100 000 and all three are within 15 bps.
    // Unsorted (insertion order) or sorted as strings ("100100" < "99900"), it would be
    // 99 900 or 100 100 and the far end would be dropped.
    const m = new MedianAggregator(2000, 15);
    for (const [v, px] of [
      ['a', 100_100],
      ['b', 99_900],
      ['c', 100_000],
    ] as const)
      m.update({ venue: v, px, ts_unix_ms: NOW });
    expect(m.compute(NOW)).toMatchObject({ px_median: 100_000, venue_count: 3 });
  });

  it("lists every fresh venue's last print by venue name, outliers included and stale ones left out, whatever order they printed in", () => {
    // The reference event carries venue_px: the same prints must give the same bytes in replay and live,
    // whichever venue happened to print first.
    const prints = [
      { venue: 'okx', px: 64_020, ts_unix_ms: NOW - 100 },
      { venue: 'bybit', px: 70_000, ts_unix_ms: NOW - 50 }, // outlier: shown, not in the median
      { venue: 'coinbase', px: 64_000, ts_unix_ms: NOW - 300 },
      { venue: 'kraken', px: 64_010, ts_unix_ms: NOW - 9_000 }, // stale
      { venue: 'bitstamp', px: 64_005, ts_unix_ms: NOW - 200 },
    ];
    const forward = new MedianAggregator(2000, 200);
    const backward = new MedianAggregator(2000, 200);
    for (const p of prints) forward.update(p);
    for (const p of [...prints].reverse()) backward.update(p);
    const expected = '{"bitstamp":64005,"bybit":70000,"coinbase":64000,"okx":64020}';
    expect(JSON.stringify(forward.compute(NOW)!.venue_px)).toBe(expected);
    expect(JSON.stringify(backward.compute(NOW)!.venue_px)).toBe(expected);
    expect(forward.compute(NOW)!.venues).toEqual(['bitstamp', 'coinbase', 'okx']);
  });
});
