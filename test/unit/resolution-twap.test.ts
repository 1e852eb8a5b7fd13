// Goal: the one resolution module reads TWAP markets from the Chainlink TWAP topic of their lookback (30 s or 60 s) for both the engine's price to beat and our own outcome, falls back to Chainlink spot averaged over the lookback flagged estimated, and lets an official result settle only its own, ended market.
import { describe, expect, it } from 'vitest';
import type { MarketInfo, ReferencePrice, TwapLookback } from '../../src/core/events.ts';
import {
  checkOfficialResult,
  OFFICIAL_CLOCK_TOLERANCE_MS,
  primarySource,
  readableAt,
  readOpening,
  readOutcome,
  ReferenceBuffer,
} from '../../src/core/resolution.ts';
import { MarketRegistry } from '../../src/engine/markets.ts';

const T0 = Date.UTC(2026, 7, 22, 16, 0);
const END = T0 + 300_000;
const UP = '11';
const DOWN = '22';
const market = (lookback: TwapLookback): MarketInfo => ({
  market_id: '0xabc',
  slug: 'btc-updown-5m-x',
  question: 'Bitcoin Up or Down',
  family: '5m',
  window_start_ms: T0,
  window_end_ms: END,
  tokens: [
    { token_id: UP, outcome: 'Up' },
    { token_id: DOWN, outcome: 'Down' },
  ],
  tick_size: 0.01,
  min_size: 5,
  fee: { rate: 0.07, exponent: 1, taker_only: true },
  resolution: { rule: 'twap_gte_start', source: 'chainlink', lookback_s: lookback },
  price_to_beat: null,
  price_to_beat_estimated: false,
});
const print = (source: ReferencePrice['source'], tsMs: number, px: number): ReferencePrice => ({
  event_type: 'reference_price',
  source,
  symbol: 'BTC/USD',
  px,
  ts_exchange_ms: tsMs,
  ts_unix_ms: tsMs + 1_500,
});
const refs = (...ps: ReferencePrice[]) => {
  const b = new ReferenceBuffer();
  for (const p of [...ps].sort((a, c) => a.ts_exchange_ms - c.ts_exchange_ms)) b.add(p);
  return b;
};
/** Chainlink spot once a second over (t − n s, t]. */
const spots = (t: number, n: number, px: (k: number) => number) =>
  Array.from({ length: n }, (_, k) => print('chainlink', t - (n - 1 - k) * 1_000, px(k)));

describe('TWAP markets read their TWAP topic', () => {
  it.each([
    [30, 'chainlink_twap30'],
    [60, 'chainlink_twap60'],
  ] as const)('a %i s market reads %s at each edge, not spot', (lookback, source) => {
    const m = market(lookback);
    expect(primarySource(m)).toBe(source);
    const other = source === 'chainlink_twap30' ? 'chainlink_twap60' : 'chainlink_twap30';
    const b = refs(
      print(source, T0 + 1_000, 65_000),
      print(source, END, 64_990),
      print(other, T0, 1),
      print(other, END, 99_999),
      ...spots(END, 60, () => 70_000),
    );
    expect(readOpening(m, b)).toEqual({ px: 65_000, estimated: false });
    expect(readOutcome(m, b)).toEqual({ outcome: 'Down', startPx: 65_000, endPx: 64_990, estimated: false });
  });

  it('falls back to the mean of Chainlink spot over the lookback, flagged estimated, when the topic has nothing near an edge', () => {
    const m = market(30);
    const b = refs(...spots(T0, 30, (k) => 65_000 + k), ...spots(END, 30, () => 65_100));
    expect(readOpening(m, b)).toEqual({ px: 65_014.5, estimated: true });
    expect(readOutcome(m, b)).toEqual({ outcome: 'Up', startPx: 65_014.5, endPx: 65_100, estimated: true });
    // Too few spot prints in the lookback (one per 6 s needed): nothing to read.
    expect(readOpening(m, refs(...spots(T0, 4, () => 1)))).toBeNull();
  });

  it('is readable once the TWAP at or after the edge arrived, or past the print tolerance', () => {
    const m = market(60);
    expect(readableAt(m, refs(print('chainlink_twap60', T0 - 1_000, 1)), T0, T0 + 2_000)).toBe(false);
    expect(readableAt(m, refs(print('chainlink_twap60', T0, 1)), T0, T0 + 2_000)).toBe(true);
    expect(readableAt(m, refs(), T0, T0 + 5_001)).toBe(true);
  });

  it('gives the engine its price to beat from the TWAP, waiting for it, else from spot flagged estimated', () => {
    const reg = new MarketRegistry();
    reg.add(market(60));
    reg.observeReference(print('chainlink', T0, 64_000));
    reg.advance(T0 + 1_000, 63_000);
    expect(reg.get('0xabc')!.info.price_to_beat).toBeNull();
    reg.observeReference(print('chainlink_twap60', T0 + 800, 64_123.5));
    reg.advance(T0 + 2_000, 63_000);
    expect(reg.get('0xabc')!.info).toMatchObject({ price_to_beat: 64_123.5, price_to_beat_estimated: false });

    const fallback = new MarketRegistry();
    fallback.add(market(30));
    for (const p of spots(T0, 30, () => 64_500)) fallback.observeReference(p);
    fallback.advance(T0 + 5_001, 63_000);
    expect(fallback.get('0xabc')!.info).toMatchObject({ price_to_beat: 64_500, price_to_beat_estimated: true });
  });
});

describe('checkOfficialResult', () => {
  const m = market(60);
  const claim = { market_id: '0xabc', token_ids: [DOWN, UP], winning_token_id: UP, winning_outcome: 'Up' };
  it("accepts the market's own tokens after its window (within the clock tolerance)", () => {
    expect(checkOfficialResult(m, claim, END)).toEqual({ ok: true, outcome: 'Up' });
    expect(checkOfficialResult(m, claim, END - OFFICIAL_CLOCK_TOLERANCE_MS)).toEqual({ ok: true, outcome: 'Up' });
    expect(checkOfficialResult(m, { ...claim, winning_outcome: 'Yes' }, END)).toEqual({ ok: true, outcome: 'Up' });
  });

  it.each([
    ['unknown_market', undefined, claim],
    ['unknown_market', m, { ...claim, market_id: '0xother' }],
    ['token_mismatch', m, { ...claim, token_ids: [UP, '33'] }],
    ['token_mismatch', m, { ...claim, token_ids: [UP] }],
    ['winner_not_in_market', m, { ...claim, winning_token_id: '33' }],
    ['outcome_mismatch', m, { ...claim, winning_outcome: 'Down' }],
  ] as const)('refuses %s', (reason, mk, c) => {
    expect(checkOfficialResult(mk, c, END + 1)).toEqual({ ok: false, reason });
  });

  it('refuses a result more than the tolerance before the window ends', () => {
    expect(checkOfficialResult(m, claim, END - OFFICIAL_CLOCK_TOLERANCE_MS - 1)).toEqual({ ok: false, reason: 'window_not_ended' });
  });
});
