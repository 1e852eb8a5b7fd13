// Goal: a market-channel message with a malformed optional field (a book's tick_size, a price change's best_bid/best_ask) keeps its data with the field dropped and flagged for counting, while a malformed required field still makes it invalid.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseClobFrame } from '../../src/polymarket/wire/clobWsMessages.ts';

const fx = (name: string) => JSON.parse(readFileSync(`test/fixtures/polymarket/${name}`, 'utf8')) as Record<string, unknown>;

describe('optional market-channel fields', () => {
  it('drops a malformed book tick_size and keeps the book', () => {
    const [m] = parseClobFrame(JSON.stringify({ ...fx('ws_market_book.json'), tick_size: 'one cent' }));
    // The fixture's levels, every one kept (ws_market_book.json).
    expect(m).toMatchObject({
      kind: 'book',
      tickSize: null,
      dropped: true,
      bids: [
        [0.5, 200],
        [0.49, 350],
      ],
      asks: [
        [0.51, 150],
        [0.52, 250],
      ],
      tsMs: 1_703_875_200_000,
    });
    expect(parseClobFrame(JSON.stringify({ ...fx('ws_market_book.json'), tick_size: '0.01' }))[0]).toMatchObject({
      kind: 'book',
      tickSize: 0.01,
    });
    expect(parseClobFrame(JSON.stringify({ ...fx('ws_market_book.json'), tick_size: '0.01' }))[0]).not.toHaveProperty('dropped');
  });

  it('drops a malformed best_bid/best_ask pair and keeps the level change', () => {
    const o = fx('ws_market_price_change_new.json') as { market: string; price_changes: Record<string, string>[] };
    o.price_changes[0]!.best_bid = 'n/a';
    const [m] = parseClobFrame(JSON.stringify(o));
    // The level change itself is the fixture's: a bid at 0.51 for 150 (ws_market_price_change_new.json).
    expect(m).toEqual({
      kind: 'price_change',
      market: o.market,
      tsMs: 1_703_875_201_000,
      changes: [
        {
          assetId: o.price_changes[0]!.asset_id,
          side: 'bid',
          px: 0.51,
          size: 150,
          hash: '0xhash001',
          bestBid: null,
          bestAsk: null,
          dropped: true,
        },
      ],
    });
  });

  it('still refuses a message whose required field is malformed', () => {
    const o = fx('ws_market_price_change_new.json') as { price_changes: Record<string, string>[] };
    o.price_changes[0]!.price = 'n/a';
    expect(parseClobFrame(JSON.stringify(o))).toEqual([{ kind: 'invalid', reason: 'price out of (0,1): price=n/a' }]);
  });
});
