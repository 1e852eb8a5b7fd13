// Goal: the market registry's lifecycle — refresh without losing a fixed price to beat, close, remove, book lookup, when a price to beat is fixed and from what — decided by input time alone.
import { describe, expect, it } from 'vitest';
import type { ReferencePrice } from '../../src/core/events.ts';
import { OrderBook } from '../../src/core/book.ts';
import { PRINT_TOLERANCE_MS } from '../../src/core/resolution.ts';
import { MarketRegistry } from '../../src/engine/markets.ts';
import { T0, WINDOW_MS, market } from './paper-harness.ts';

const print = (px: number, ts: number): ReferencePrice => ({
  event_type: 'reference_price',
  source: 'sim',
  symbol: 'btc/usd',
  px,
  ts_exchange_ms: ts,
  ts_unix_ms: ts,
});

describe('MarketRegistry', () => {
  it('adds a market once; a refresh takes the new info but keeps a price to beat already fixed', () => {
    const r = new MarketRegistry();
    expect(r.add(market({ price_to_beat: null }))).toBe(true);
    r.observeReference(print(64_000, T0));
    r.advance(T0, null);
    expect(r.get('m1')!.info).toMatchObject({ price_to_beat: 64_000, price_to_beat_estimated: false });
    expect(r.add(market({ price_to_beat: null, tick_size: 0.001 }))).toBe(false);
    expect(r.get('m1')!.info).toMatchObject({ tick_size: 0.001, price_to_beat: 64_000, price_to_beat_estimated: false });
    // A refresh that carries its own price to beat wins.
    r.add(market({ price_to_beat: 65_000, price_to_beat_estimated: true }));
    expect(r.get('m1')!.info).toMatchObject({ price_to_beat: 65_000, price_to_beat_estimated: true });
    expect([...r.all()]).toHaveLength(1);
    expect(r.size).toBe(1);
  });

  it('a closed market is no longer tradable though its window runs; closing or removing an unknown market does nothing', () => {
    const r = new MarketRegistry();
    r.add(market());
    r.close('nope');
    r.remove('nope');
    expect([...r.tradable(T0 + 1)]).toHaveLength(1);
    r.close('m1');
    expect(r.get('m1')!.closed).toBe(true);
    expect([...r.tradable(T0 + 1)]).toHaveLength(0);
  });

  it('a settled market is not tradable', () => {
    const r = new MarketRegistry();
    r.add(market());
    r.get('m1')!.settled = true;
    expect([...r.tradable(T0 + 1)]).toHaveLength(0);
  });

  it("finds a token's book while its market is known, and nothing after the market is removed", () => {
    const r = new MarketRegistry();
    r.add(market());
    const book = new OrderBook(0.01);
    r.get('m1')!.books.set('up', book);
    expect(r.bookOf('up')).toBe(book);
    expect(r.bookOf('down')).toBeUndefined();
    expect(r.bookOf('other')).toBeUndefined();
    r.remove('m1');
    expect(r.bookOf('up')).toBeUndefined();
    expect(r.size).toBe(0);
  });

  it('fixes a price to beat from the print at the window start, not before the start, and never replaces one it has', () => {
    const r = new MarketRegistry();
    r.add(market({ price_to_beat: null }));
    r.add(
      market({
        market_id: 'm2',
        tokens: [
          { token_id: 'u2', outcome: 'Up' },
          { token_id: 'd2', outcome: 'Down' },
        ],
        price_to_beat: 100_000,
      }),
    );
    r.observeReference(print(64_000, T0 - 1));
    expect(r.advance(T0 - 1, 64_500)).toEqual([]);
    r.observeReference(print(64_010, T0));
    expect(r.advance(T0, 64_500).map((m) => [m.market_id, m.price_to_beat])).toEqual([['m1', 64_010]]);
    expect(r.get('m2')!.info.price_to_beat).toBe(100_000);
  });

  it('estimates from the median only after the tolerance, and only when there is a median', () => {
    const r = new MarketRegistry();
    r.add(market({ price_to_beat: null }));
    expect(r.advance(T0 + PRINT_TOLERANCE_MS + 1, null)).toEqual([]);
    expect(r.get('m1')!.info).toMatchObject({ price_to_beat: null, price_to_beat_estimated: false });
    expect(r.advance(T0 + PRINT_TOLERANCE_MS + 2, 64_321)).toEqual([
      expect.objectContaining({ price_to_beat: 64_321, price_to_beat_estimated: true }),
    ]);
  });

  it('a 60-second-average market whose start is decided but short of prints waits out the tolerance before estimating', () => {
    const r = new MarketRegistry();
    r.add(market({ price_to_beat: null, resolution: { rule: 'avg60_gte_start', source: 'sim' } }));
    r.observeReference(print(64_000, T0 + 500));
    expect(r.advance(T0 + 1_000, 64_500)).toEqual([]);
    expect(r.advance(T0 + PRINT_TOLERANCE_MS, 64_500)).toEqual([]);
    expect(r.get('m1')!.info.price_to_beat).toBeNull();
    expect(r.advance(T0 + PRINT_TOLERANCE_MS + 1, 64_500)).toEqual([
      expect.objectContaining({ price_to_beat: 64_500, price_to_beat_estimated: true }),
    ]);
  });

  it('forgets an unresolved market six hours after its window, not before', () => {
    const r = new MarketRegistry();
    r.add(market());
    r.advance(T0 + WINDOW_MS + 6 * 3_600_000, null);
    expect(r.size).toBe(1);
    r.advance(T0 + WINDOW_MS + 6 * 3_600_000 + 1, null);
    expect(r.size).toBe(0);
  });
});
