// Goal: an empty-string optional decimal or a missing timestamp on the market socket leaves the rest of the message standing, flagged `dropped` for counting.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseClobFrame } from '../../src/polymarket/wire/clobWsMessages.ts';

const raw = (name: string) => readFileSync(`test/fixtures/polymarket/${name}`, 'utf8');
const RECV_MS = 1_766_789_470_500;

describe('empty optional decimals', () => {
  it('keeps a best_bid_ask whose best_bid is "" with its best ask', () => {
    expect(parseClobFrame(raw('ws_market_best_bid_ask_empty_best_bid.json'), RECV_MS)).toEqual([
      {
        kind: 'best_bid_ask',
        market: '0x0005c0d312de0be897668695bae9f32b624b4a1ae8b140c49f08447fcc74f442',
        assetId: '85354956062430465315924116860125388538595433819574542752031640332592237464430',
        bestBid: null,
        bestAsk: 0.77,
        tsMs: 1_766_789_469_958,
        dropped: true,
      },
    ]);
    expect(parseClobFrame(raw('ws_market_best_bid_ask.json'))[0]).not.toHaveProperty('dropped');
  });

  it('keeps a last_trade_price whose size is "" with its price and side', () => {
    expect(parseClobFrame(raw('ws_market_last_trade_price_empty_size.json'))[0]).toMatchObject({
      kind: 'last_trade_price',
      px: 0.51,
      size: null,
      side: 'buy',
      tsMs: 1_703_875_202_000,
      dropped: true,
    });
  });

  it('keeps a tick_size_change whose old_tick_size is "" with its new tick', () => {
    expect(parseClobFrame(raw('ws_market_tick_size_change_empty_old_tick.json'))[0]).toMatchObject({
      kind: 'tick_size_change',
      oldTick: null,
      newTick: 0.01,
      dropped: true,
    });
  });

  it('still refuses an empty required decimal (a trade price)', () => {
    const o = JSON.parse(raw('ws_market_last_trade_price.json')) as Record<string, string>;
    expect(parseClobFrame(JSON.stringify({ ...o, price: '' }))[0]).toMatchObject({ kind: 'invalid' });
  });
});

describe('missing timestamps', () => {
  it('stamps a price_change without timestamp with the receive time, keeping every change', () => {
    const [m] = parseClobFrame(raw('ws_market_price_change_no_timestamp.json'), RECV_MS);
    expect(m).toMatchObject({ kind: 'price_change', tsMs: RECV_MS, dropped: true });
    expect(m!.kind === 'price_change' && m!.changes.length).toBeGreaterThan(0);
  });

  it('refuses it when the caller gives no receive time to stand in', () => {
    expect(parseClobFrame(raw('ws_market_price_change_no_timestamp.json'))[0]).toMatchObject({
      kind: 'invalid',
      reason: 'missing timestamp',
    });
  });

  it('refuses a timestamp that is present but malformed', () => {
    const o = JSON.parse(raw('ws_market_best_bid_ask.json')) as Record<string, string>;
    expect(parseClobFrame(JSON.stringify({ ...o, timestamp: 'soon' }), RECV_MS)[0]).toMatchObject({ kind: 'invalid' });
  });
});
