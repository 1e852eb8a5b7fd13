// Goal: a market-channel message with a malformed optional field (a book's tick_size, a price change's best_bid/best_ask) keeps its data with the field dropped and flagged for counting, while a malformed required field still makes it invalid.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseClobFrame } from '../../src/polymarket/wire/clobWsMessages.ts';

const fx = (name: string) => JSON.parse(readFileSync(`test/fixtures/polymarket/${name}`, 'utf8')) as Record<string, unknown>;

describe('optional market-channel fields', () => {
  it('drops a malformed book tick_size and keeps the book', () => {
    const [m] = parseClobFrame(JSON.stringify({ ...fx('ws_market_book.json'), tick_size: 'one cent' }));
    expect(m).toMatchObject({ kind: 'book', tickSize: null, dropped: true });
    expect(m!.kind === 'book' && m!.bids.length).toBeGreaterThan(0);
    expect(parseClobFrame(JSON.stringify({ ...fx('ws_market_book.json'), tick_size: '0.01' }))[0]).toMatchObject({
      kind: 'book',
      tickSize: 0.01,
    });
    expect(parseClobFrame(JSON.stringify({ ...fx('ws_market_book.json'), tick_size: '0.01' }))[0]).not.toHaveProperty('dropped');
  });

  it('drops a malformed best_bid/best_ask pair and keeps the level change', () => {
    const o = fx('ws_market_price_change_new.json') as { price_changes: Record<string, string>[] };
    o.price_changes[0]!.best_bid = 'n/a';
    const [m] = parseClobFrame(JSON.stringify(o));
    expect(m).toMatchObject({ kind: 'price_change' });
    expect(m!.kind === 'price_change' && m!.changes[0]).toMatchObject({ bestBid: null, bestAsk: null, dropped: true });
    expect(m!.kind === 'price_change' && m!.changes[0]!.size).toBeGreaterThanOrEqual(0);
  });

  it('still refuses a message whose required field is malformed', () => {
    const o = fx('ws_market_price_change_new.json') as { price_changes: Record<string, string>[] };
    o.price_changes[0]!.price = 'n/a';
    expect(parseClobFrame(JSON.stringify(o))).toEqual([{ kind: 'invalid', reason: 'price out of (0,1): price=n/a' }]);
  });
});
