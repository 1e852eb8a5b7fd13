// Goal: the resolution module's guards hold at their edges — the print buffer refuses a print that is not newer, a missing or unofficial Polymarket number never replaces our reading, the TWAP rule and its spot fallback read their edges, and an official result settles only with exactly the market's two tokens, a matching label and an ended window.
import { describe, expect, it } from 'vitest';
import type { MarketInfo, ReferencePrice, ReferenceSource } from '../../src/core/events.ts';
import {
  checkOfficialResult,
  closingValue,
  keptPriceToBeat,
  OFFICIAL_CLOCK_TOLERANCE_MS,
  openingValue,
  readClosing,
  readOpening,
  readOutcome,
  ReferenceBuffer,
} from '../../src/core/resolution.ts';
import { market, T0, WINDOW_MS } from './paper-harness.ts';

const END = T0 + WINDOW_MS;
const print = (source: ReferenceSource, tsMs: number, px: number): ReferencePrice => ({
  event_type: 'reference_price',
  source,
  symbol: 'BTC/USD',
  px,
  ts_exchange_ms: tsMs,
  ts_unix_ms: tsMs + 300,
});
const refs = (...ps: ReferencePrice[]): ReferenceBuffer => {
  const b = new ReferenceBuffer();
  for (const p of ps) b.add(p);
  return b;
};
const spot: MarketInfo = market({ resolution: { rule: 'end_gte_start', source: 'chainlink' }, price_to_beat: null });
const twap: MarketInfo = market({ resolution: { rule: 'twap_gte_start', source: 'chainlink', lookback_s: 60 }, price_to_beat: null });

describe('the reference print buffer', () => {
  it('keeps each newer print and refuses one stamped at or before the last, per source', () => {
    const b = new ReferenceBuffer();
    expect(b.add(print('chainlink', T0, 100))).toBe(true);
    expect(b.add(print('chainlink', T0 + 1_000, 101))).toBe(true);
    expect(b.add(print('chainlink', T0 + 1_000, 999))).toBe(false);
    expect(b.add(print('chainlink', T0 + 500, 998))).toBe(false);
    expect(b.add(print('binance', T0 + 500, 102))).toBe(true);
    expect(b.prints('chainlink').map((p) => p.px)).toEqual([100, 101]);
    expect(b.prints('binance').map((p) => p.px)).toEqual([102]);
    expect(b.prints('coinbase')).toEqual([]);
  });
});

describe("Polymarket's numbers only when they are there and official", () => {
  const b = refs(print('chainlink', T0, 100), print('chainlink', END, 99));

  it('an unofficial price to beat is carried over without being marked official', () => {
    const unofficial = { ...spot, price_to_beat: 101, price_to_beat_estimated: true };
    expect(keptPriceToBeat(unofficial)).toEqual({ price_to_beat: 101, price_to_beat_estimated: true });
    expect(keptPriceToBeat({ ...unofficial, price_to_beat_official: true })).toEqual({
      price_to_beat: 101,
      price_to_beat_estimated: true,
      price_to_beat_official: true,
    });
  });

  it('an official flag without a number, and a final price absent or null, leave our reading', () => {
    expect(readOpening({ ...spot, price_to_beat_official: true, price_to_beat: null }, b)).toEqual({ px: 100, estimated: false });
    expect(readClosing(spot, b)).toEqual({ px: 99, estimated: false });
    expect(readClosing({ ...spot, final_price: null }, b)).toEqual({ px: 99, estimated: false });
    expect(readClosing({ ...spot, final_price: 98 }, b)).toEqual({ px: 98, estimated: false });
  });

  it('no reading at all when neither the prints nor a median cover an edge', () => {
    expect(readOutcome(spot, refs())).toBeNull();
    expect(readOutcome(spot, refs(print('chainlink', T0, 100)))).toBeNull();
    expect(readOutcome(spot, refs(print('chainlink', END, 100)))).toBeNull();
    expect(readOutcome(spot, refs(print('chainlink', T0, 100)), () => null)).toBeNull();
  });
});

describe('TWAP markets', () => {
  it('read the TWAP print at or first after each edge', () => {
    const ps = [print('chainlink_twap60', T0 - 1_000, 1), print('chainlink_twap60', T0 + 2_000, 100), print('chainlink_twap60', END, 105)];
    expect(openingValue(twap, ps)).toBe(100);
    expect(closingValue(twap, ps)).toBe(105);
  });

  it('fall back to the spot mean with one print per 6 s of lookback, not one fewer', () => {
    // 60 s lookback: ten prints needed in (start − 60 s, start].
    const ten = Array.from({ length: 10 }, (_, k) => print('chainlink', T0 - 54_000 + k * 6_000, 100 + k));
    expect(readOpening(twap, refs(...ten))).toEqual({ px: 104.5, estimated: true });
    expect(readOpening(twap, refs(...ten.slice(1)))).toBeNull();
  });
});

describe('checkOfficialResult guards', () => {
  const m = market();
  const claim = { market_id: 'm1', token_ids: ['up', 'down'], winning_token_id: 'down', winning_outcome: 'Down' as string | null };

  it('refuses a claim listing a third token beside the two of the market', () => {
    expect(checkOfficialResult(m, { ...claim, token_ids: ['up', 'down', 'x'] }, END)).toEqual({ ok: false, reason: 'token_mismatch' });
  });

  it('accepts a 50-50 from the clock tolerance before the window end, not a millisecond earlier', () => {
    const split = { ...claim, winning_token_id: '', winning_outcome: null, split: true };
    expect(checkOfficialResult(m, split, END - OFFICIAL_CLOCK_TOLERANCE_MS)).toEqual({ ok: true, outcome: 'Up', split: true });
    expect(checkOfficialResult(m, split, END - OFFICIAL_CLOCK_TOLERANCE_MS - 1)).toEqual({ ok: false, reason: 'window_not_ended' });
  });

  it('checks a label in any case and padding, and takes a result without a label', () => {
    expect(checkOfficialResult(m, { ...claim, winning_outcome: null }, END)).toEqual({ ok: true, outcome: 'Down' });
    expect(checkOfficialResult(m, { ...claim, winning_outcome: ' DOWN ' }, END)).toEqual({ ok: true, outcome: 'Down' });
    expect(checkOfficialResult(m, { ...claim, winning_outcome: ' up ' }, END)).toEqual({ ok: false, reason: 'outcome_mismatch' });
    expect(checkOfficialResult(m, { ...claim, winning_outcome: 'Up' }, END)).toEqual({ ok: false, reason: 'outcome_mismatch' });
    const upWins = { ...claim, winning_token_id: 'up' };
    expect(checkOfficialResult(m, { ...upWins, winning_outcome: 'down' }, END)).toEqual({ ok: false, reason: 'outcome_mismatch' });
    expect(checkOfficialResult(m, { ...upWins, winning_outcome: '' }, END)).toEqual({ ok: true, outcome: 'Up' });
  });
});
