// Goal: the edge-side book mirror emits only consistent books — real snapshot + deltas give the expected book, while crossed, off-grid or best-price-mismatched updates trigger a resync (buffered deltas replayed) instead of corrupting a book.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OrderBook, pxKey } from '../../src/core/book.ts';
import type { BookDelta, BookSnapshot, InputEvent } from '../../src/core/events.ts';
import { BookKeeper } from '../../src/polymarket/bookKeeper.ts';
import { parseClobFrame } from '../../src/polymarket/wire/clobWsMessages.ts';

const fx = (name: string) => readFileSync(`test/fixtures/polymarket/${name}`, 'utf8');
const TOKEN = '71321045679252212594626385532706912750332728571942532289631379312455583992563';
const MARKET = '0xdd22472e552920b8438158ea7238bfadfa4f736aa4cee91a6b86c39ead110917';

function setup() {
  const events: InputEvent[] = [];
  const resyncs: string[] = [];
  const keeper = new BookKeeper({ emit: (e) => events.push(e), requestResync: (_t, reason) => resyncs.push(reason) });
  keeper.track(MARKET, TOKEN, 0.01);
  const feed = (text: string, recvMs = 1_000) => {
    for (const m of parseClobFrame(text)) keeper.onMessage(m, recvMs);
  };
  return { events, resyncs, keeper, feed };
}

/** A current-shape price_change for TOKEN, derived from the real fixture by editing its fields. */
function change(side: 'BUY' | 'SELL', price: string, size: string, bestBid: string, bestAsk: string, ts = '1703875201000'): string {
  const o = JSON.parse(fx('ws_market_price_change_new.json')) as { timestamp: string; price_changes: Record<string, string>[] };
  Object.assign(o.price_changes[0]!, { side, price, size, best_bid: bestBid, best_ask: bestAsk });
  o.timestamp = ts;
  return JSON.stringify(o);
}

/** Applies emitted inputs to a fresh book the way the engine does. */
function engineBook(events: InputEvent[]): OrderBook {
  const b = new OrderBook(0.01);
  for (const e of events) {
    if (e.event_type === 'book_snapshot') b.snapshot(e.bids, e.asks, e.ts_unix_ms);
    if (e.event_type === 'book_delta') for (const c of e.changes) b.change(c.side, c.px, c.size, e.ts_unix_ms);
  }
  return b;
}

describe('BookKeeper', () => {
  it('turns the real book snapshot and price changes into the expected book', () => {
    const { events, resyncs, feed, keeper } = setup();
    feed(fx('ws_market_book.json'));
    // The ask at 0.51 is taken, then the fixture's bid at 0.51 (best 0.51 / 0.52) arrives.
    feed(change('SELL', '0.51', '0', '0.50', '0.52'));
    feed(fx('ws_market_price_change_new.json'));
    expect(resyncs).toEqual([]);
    expect(events.map((e) => e.event_type)).toEqual(['book_snapshot', 'book_delta', 'book_delta']);
    const snap = events[0] as BookSnapshot;
    expect(snap).toMatchObject({ market_id: MARKET, token_id: TOKEN, ts_exchange_ms: 1703875200000, ts_unix_ms: 1_000, tick_size: 0.01 });
    const book = engineBook(events);
    expect(book.bids.levels()).toEqual([
      [0.51, 150],
      [0.5, 200],
      [0.49, 350],
    ]);
    expect(book.asks.levels()).toEqual([[0.52, 250]]);
    expect(keeper.bookOf(TOKEN)!.bids.levels()).toEqual(book.bids.levels());
  });

  it('resyncs instead of emitting a delta that crosses the book, then replays buffered deltas on the new snapshot', () => {
    const { events, resyncs, feed, keeper } = setup();
    feed(fx('ws_market_book.json'));
    feed(fx('ws_market_price_change_new.json')); // bid 0.51 against the resting ask 0.51: crossed
    expect(resyncs).toEqual(['book crossed after delta']);
    expect(keeper.stateOf(TOKEN)).toBe('resyncing');
    expect(keeper.counters.crossed).toBe(1);
    feed(change('BUY', '0.49', '100', '0.51', '0.52', '1703875203000'));
    expect(events.filter((e) => e.event_type === 'book_delta')).toHaveLength(0);
    // The REST snapshot (ts 1703875202000) is older than the buffered delta: it is replayed.
    expect(
      keeper.applySnapshot(
        TOKEN,
        [
          [0.51, 150],
          [0.5, 200],
        ],
        [[0.52, 250]],
        1703875202000,
        2_000,
        null,
      ),
    ).toBe(true);
    expect(keeper.stateOf(TOKEN)).toBe('live');
    const book = engineBook(events.slice(1));
    expect(book.bids.levels()).toEqual([
      [0.51, 150],
      [0.5, 200],
      [0.49, 100],
    ]);
  });

  it('resyncs when our best prices differ from the best prices the venue reports', () => {
    const { resyncs, feed, keeper } = setup();
    feed(fx('ws_market_book.json'));
    feed(change('BUY', '0.49', '10', '0.50', '0.53'));
    expect(resyncs).toEqual(['best bid/ask differ from the venue']);
    expect(keeper.counters.bestMismatch).toBe(1);
  });

  it('rejects off-grid prices in deltas and snapshots without touching the book', () => {
    const { events, resyncs, feed, keeper } = setup();
    feed(fx('ws_market_book.json'));
    feed(change('BUY', '0.495', '10', '0.50', '0.51'));
    expect(resyncs).toHaveLength(1);
    expect(keeper.bookOf(TOKEN)!.bids.levels()).toEqual([
      [0.5, 200],
      [0.49, 350],
    ]);
    expect(keeper.applySnapshot(TOKEN, [[0.405, 1]], [[0.6, 1]], 1, 2, null)).toBe(false);
    expect(keeper.counters.offGrid).toBe(2);
    expect(events).toHaveLength(1);
  });

  it('follows a tick size change and resyncs when existing levels leave the new grid', () => {
    const { events, feed, keeper, resyncs } = setup();
    keeper.applySnapshot(TOKEN, [[0.5, 1]], [[0.55, 1]], 1, 1, 0.01);
    const tickChange = (oldTick: string, newTick: string) => {
      const o = JSON.parse(fx('ws_market_tick_size_change.json')) as Record<string, string>;
      return JSON.stringify({ ...o, old_tick_size: oldTick, new_tick_size: newTick });
    };
    feed(tickChange('0.01', '0.001'));
    expect(events[1]).toMatchObject({ event_type: 'book_delta', changes: [], tick_size: 0.001 });
    expect(keeper.bookOf(TOKEN)!.tickSize).toBe(0.001);
    feed(tickChange('0.001', '0.1'));
    expect(resyncs).toEqual(['levels off the new tick grid']);
  });

  it('applies the legacy price_change shape, and counts messages for untracked tokens', () => {
    const { events, feed, keeper } = setup();
    feed(fx('ws_market_book.json'));
    feed(
      '{"asset_id":"' +
        TOKEN +
        '","changes":[{"price":"0.52","side":"SELL","size":"0"}],"event_type":"price_change","market":"m","timestamp":"1703875201000","hash":"h"}',
    );
    expect(engineBook(events).asks.levels()).toEqual([[0.51, 150]]);
    feed(fx('ws_market_price_change_new_two_assets_no_event_type.json'));
    expect(keeper.counters.unknownToken).toBe(1);
  });

  it('keeps the emitted book equal to the mirror for any sequence of on-grid deltas', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            side: fc.constantFrom('BUY', 'SELL'),
            tick: fc.integer({ min: 1, max: 99 }),
            size: fc.integer({ min: 0, max: 500 }),
          }),
          { maxLength: 60 },
        ),
        (deltas) => {
          const { events, keeper } = setup();
          keeper.applySnapshot(TOKEN, [[0.3, 10]], [[0.7, 10]], 1, 1, 0.01);
          for (const d of deltas) {
            const px = (d.tick / 100).toFixed(2);
            for (const m of parseClobFrame(
              `{"event_type":"price_change","market":"m","timestamp":"2","asset_id":"${TOKEN}","changes":[{"price":"${px}","side":"${d.side}","size":"${d.size}"}]}`,
            ))
              keeper.onMessage(m, 2);
            if (keeper.stateOf(TOKEN) !== 'live') keeper.applySnapshot(TOKEN, [[0.3, 10]], [[0.7, 10]], 3, 3, null);
          }
          const mirror = keeper.bookOf(TOKEN)!;
          const emitted = engineBook(events);
          expect(mirror.isCrossed()).toBe(false);
          expect(emitted.bids.levels()).toEqual(mirror.bids.levels());
          expect(emitted.asks.levels()).toEqual(mirror.asks.levels());
          expect(
            events.every((e) => e.event_type !== 'book_delta' || (e as BookDelta).changes.every((c) => pxKey(c.px) % pxKey(0.01) === 0)),
          ).toBe(true);
        },
      ),
      { seed: 42, numRuns: 200 },
    );
  });
});
