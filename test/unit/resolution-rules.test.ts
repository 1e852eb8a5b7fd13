// Goal: every family's rule reads exactly the print Polymarket's wording names, on both sides of each edge, and Polymarket's own numbers win.
import { describe, expect, it } from 'vitest';
import type { MarketInfo, ReferencePrice, ReferenceSource, ResolutionRule } from '../../src/core/events.ts';
import {
  closingValue,
  MINUTE_CANDLE_MS,
  openingValue,
  PRINT_TOLERANCE_MS,
  readableAt,
  readOpening,
  readOutcome,
  ReferenceBuffer,
  verdictOf,
} from '../../src/core/resolution.ts';
import { Portfolio } from '../../src/paper/portfolio.ts';
import { market, T0 } from './paper-harness.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

const print = (source: ReferenceSource, tsMs: number, px: number): ReferencePrice => ({
  event_type: 'reference_price',
  source,
  symbol: 'btc',
  px,
  ts_exchange_ms: tsMs,
  ts_unix_ms: tsMs + 300,
});
const refs = (...ps: ReferencePrice[]): ReferenceBuffer => {
  const b = new ReferenceBuffer();
  for (const p of [...ps].sort((a, c) => a.ts_exchange_ms - c.ts_exchange_ms)) b.add(p);
  return b;
};
const info = (resolution: ResolutionRule, lengthMs: number, over: Partial<MarketInfo> = {}): MarketInfo =>
  market({ resolution, window_end_ms: T0 + lengthMs, price_to_beat: null, ...over });

describe('5m / 15m / 4h: the print at the edge, else the first after it, never one before', () => {
  const families = [
    ['5m', 300_000],
    ['15m', 900_000],
    ['4h', 4 * HOUR_MS],
  ] as const;
  for (const [family, lengthMs] of families) {
    it(`${family} spot rule (Chainlink end ≥ start)`, () => {
      const m = info({ rule: 'end_gte_start', source: 'chainlink' }, lengthMs, { family });
      const s = m.window_start_ms;
      const e = m.window_end_ms;
      const ps = (dt: number, at: number) => [print('chainlink', at - 1, 1), print('chainlink', at + dt, 2)];
      expect(openingValue(m, ps(0, s))).toBe(2);
      expect(openingValue(m, ps(PRINT_TOLERANCE_MS, s))).toBe(2);
      expect(openingValue(m, ps(PRINT_TOLERANCE_MS + 1, s))).toBeNull();
      expect(closingValue(m, ps(0, e))).toBe(2);
      expect(closingValue(m, [print('chainlink', e - 1, 1)])).toBeNull();
    });

    it(`${family} TWAP rule (Chainlink TWAP60 end ≥ start) reads its TWAP topic the same way`, () => {
      const m = info({ rule: 'twap_gte_start', source: 'chainlink', lookback_s: 60 }, lengthMs, { family });
      const s = m.window_start_ms;
      const e = m.window_end_ms;
      const b = refs(
        print('chainlink_twap60', s - 1, 90),
        print('chainlink_twap60', s + 1_000, 100),
        print('chainlink_twap60', e - 1, 120),
        print('chainlink_twap60', e, 99),
      );
      expect(readOpening(m, b)).toEqual({ px: 100, estimated: false });
      // The TWAP a millisecond before the end is the previous second's; the one at the end says Down.
      expect(readOutcome(m, b)).toMatchObject({ outcome: 'Down', startPx: 100, endPx: 99, estimated: false });
    });
  }
});

describe('1h: the Binance hour candle, close ≥ open', () => {
  const m = info({ rule: 'candle_close_gte_open', source: 'binance' }, HOUR_MS, { family: '1h' });
  const s = m.window_start_ms;
  const e = m.window_end_ms;

  it('opens with the first print at or after the hour, never the one just before', () => {
    expect(openingValue(m, [print('binance', s - 1, 1), print('binance', s, 2)])).toBe(2);
    expect(openingValue(m, [print('binance', s - 1, 1), print('binance', s + 1, 3)])).toBe(3);
  });

  it('closes with the last print before the next hour, never the one at it', () => {
    expect(closingValue(m, [print('binance', e - 1, 4), print('binance', e, 5)])).toBe(4);
    expect(closingValue(m, [print('binance', e - PRINT_TOLERANCE_MS - 1, 4)])).toBeNull();
  });

  it('gives an equal close and open to Up', () => {
    expect(verdictOf(m, 100, 100)).toEqual({ outcome: 'Up' });
  });
});

describe('daily: the close of the Binance 1-minute candle at noon ET on each day, 50-50 on a tie', () => {
  const m = info({ rule: 'minute_close_vs_close', source: 'binance' }, DAY_MS, { family: '1d' });
  const s = m.window_start_ms;
  const e = m.window_end_ms;

  it('the 12:00 candle closes with its last print before 12:01, not one before 12:00 nor at 12:01', () => {
    const ps = [
      print('binance', s - 1, 1),
      print('binance', s, 2),
      print('binance', s + MINUTE_CANDLE_MS - 1, 3),
      print('binance', s + MINUTE_CANDLE_MS, 4),
    ];
    expect(openingValue(m, ps)).toBe(3);
    expect(openingValue(m, [print('binance', s - 1, 1)])).toBeNull();
    expect(openingValue(m, [print('binance', s, 2)])).toBe(2);
    expect(closingValue(m, [print('binance', e + MINUTE_CANDLE_MS, 9)])).toBeNull();
  });

  it('waits for the end candle to close before reading the outcome', () => {
    const b = refs(print('binance', e, 100), print('binance', e + 30_000, 101));
    expect(readableAt(m, b, e, e + 30_000)).toBe(false);
    expect(readableAt(m, refs(print('binance', e + MINUTE_CANDLE_MS, 1)), e, e + MINUTE_CANDLE_MS)).toBe(true);
    expect(readableAt(m, refs(), e, e + MINUTE_CANDLE_MS + PRINT_TOLERANCE_MS)).toBe(false);
    expect(readableAt(m, refs(), e, e + MINUTE_CANDLE_MS + PRINT_TOLERANCE_MS + 1)).toBe(true);
  });

  it('Up when higher, Down when lower, 50-50 when exactly equal', () => {
    const day = (endPx: number) => refs(print('binance', s + 59_000, 100), print('binance', e + 59_000, endPx));
    expect(readOutcome(m, day(100.01))).toMatchObject({ outcome: 'Up', startPx: 100, endPx: 100.01 });
    expect(readOutcome(m, day(99.99))).toMatchObject({ outcome: 'Down' });
    expect(readOutcome(m, day(100))).toMatchObject({ outcome: 'Up', split: true });
    expect(readOutcome(m, day(100.01))?.split).toBeUndefined();
  });

  it('a 50-50 pays 0.5 per share of either token through the portfolio', () => {
    const p = new Portfolio(1_000);
    p.apply({ market_id: 'm1', token_id: 'up', outcome: 'Up' }, 'buy', 10, 0.6, 0);
    p.apply({ market_id: 'm1', token_id: 'down', outcome: 'Down' }, 'buy', 4, 0.3, 0);
    const res = p.settle('m1', 'up', true);
    expect(res.payout).toBeCloseTo(7, 12);
    expect(res.realized_pnl).toBeCloseTo(7 - 6 - 1.2, 12);
    expect(p.cash).toBeCloseTo(1_000 - 6 - 1.2 + 7, 12);
  });
});

describe("Polymarket's own numbers win over our reading", () => {
  const m = info({ rule: 'end_gte_start', source: 'chainlink' }, 300_000);
  const b = refs(print('chainlink', T0, 100), print('chainlink', T0 + 300_000, 101));

  it('an official priceToBeat replaces our opening reading; an unofficial one does not', () => {
    expect(readOpening({ ...m, price_to_beat: 102, price_to_beat_official: true }, b)).toEqual({ px: 102, estimated: false });
    expect(readOpening({ ...m, price_to_beat: 102 }, b)).toEqual({ px: 100, estimated: false });
  });

  it('an official finalPrice decides the outcome even when our prints say otherwise', () => {
    expect(readOutcome(m, b)).toMatchObject({ outcome: 'Up' });
    expect(readOutcome({ ...m, price_to_beat: 100.5, price_to_beat_official: true, final_price: 100.4 }, b)).toMatchObject({
      outcome: 'Down',
      startPx: 100.5,
      endPx: 100.4,
      estimated: false,
    });
  });

  it('official numbers settle a market with no prints at all', () => {
    expect(readOutcome({ ...m, price_to_beat: 100, price_to_beat_official: true, final_price: 100 }, refs())).toMatchObject({
      outcome: 'Up',
    });
  });
});
