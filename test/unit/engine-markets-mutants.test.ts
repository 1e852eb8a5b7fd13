// Goal: the market registry's edges a user would see through the engine — the realized part of a
// TWAP average (which prints count), when a price to beat may be fixed (not before the window,
// not before the start print is in), and a book lookup that never throws on a stale token.
import { describe, expect, it } from 'vitest';
import type { ReferencePrice } from '../../src/core/events.ts';
import { MarketRegistry } from '../../src/engine/markets.ts';
import { T0, market } from './paper-harness.ts';

const print = (px: number, ts: number): ReferencePrice => ({
  event_type: 'reference_price',
  source: 'sim',
  symbol: 'btc/usd',
  px,
  ts_exchange_ms: ts,
  ts_unix_ms: ts,
});

function withPrints(points: [px: number, ts: number][]): MarketRegistry {
  const r = new MarketRegistry();
  for (const [px, ts] of points) r.observeReference(print(px, ts));
  return r;
}

describe('MarketRegistry.meanPrint (the realized part of a TWAP)', () => {
  it('averages the prints stamped inside the span, both edges included, and none outside it', () => {
    const r = withPrints([
      [1, T0 - 1],
      [10, T0],
      [20, T0 + 500],
      [60, T0 + 1_000],
      [1_000, T0 + 1_001],
    ]);
    expect(r.meanPrint('sim', T0, T0 + 1_000)).toBe(30);
  });

  it('counts every print when the span covers the whole buffer, the oldest one too', () => {
    const r = withPrints([
      [10, T0],
      [20, T0 + 1],
      [30, T0 + 2],
    ]);
    expect(r.meanPrint('sim', T0 - 5, T0 + 5)).toBe(20);
    expect(r.meanPrint('sim', T0, T0)).toBe(10);
  });

  it('has no mean when no print falls in the span or the source never printed', () => {
    const r = withPrints([
      [10, T0],
      [20, T0 + 10],
    ]);
    expect(r.meanPrint('sim', T0 + 1, T0 + 9)).toBeNull();
    expect(r.meanPrint('sim', T0 + 11, T0 + 20)).toBeNull();
    expect(r.meanPrint('other', T0, T0 + 10)).toBeNull();
  });
});

describe('MarketRegistry price to beat timing', () => {
  it('does not fix a price to beat before the window starts, even from a print already stamped at the start', () => {
    const r = new MarketRegistry();
    r.add(market({ price_to_beat: null }));
    // The exchange's stamp can run ahead of the lab's clock.
    r.observeReference(print(64_000, T0));
    expect(r.advance(T0 - 1, 64_500)).toEqual([]);
    expect(r.get('m1')!.info.price_to_beat).toBeNull();
    expect(r.advance(T0, 64_500).map((m) => m.price_to_beat)).toEqual([64_000]);
  });

  it('a 60-second-average market waits for the print at its start before averaging, so the start print counts', () => {
    const r = new MarketRegistry();
    r.add(market({ price_to_beat: null, resolution: { rule: 'avg60_gte_start', source: 'sim' } }));
    for (let s = 59; s >= 1; s--) r.observeReference(print(100, T0 - s * 1_000));
    expect(r.advance(T0 + 100, 90)).toEqual([]);
    expect(r.get('m1')!.info.price_to_beat).toBeNull();
    r.observeReference(print(160, T0));
    const fixed = r.advance(T0 + 200, 90);
    expect(fixed.map((m) => [m.price_to_beat, m.price_to_beat_estimated])).toEqual([[101, false]]);
  });
});

describe('MarketRegistry book lookup', () => {
  it('a token a refresh dropped finds no book once its market is removed, without throwing', () => {
    const r = new MarketRegistry();
    r.add(market());
    r.add(
      market({
        tokens: [
          { token_id: 'up2', outcome: 'Up' },
          { token_id: 'down2', outcome: 'Down' },
        ],
      }),
    );
    r.remove('m1');
    expect(r.size).toBe(0);
    expect(r.bookOf('up')).toBeUndefined();
  });
});
