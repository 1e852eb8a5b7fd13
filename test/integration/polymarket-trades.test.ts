// Goal: a `last_trade_price` frame on the loopback CLOB market socket comes out of the Polymarket feeds as one valid `market_trade` input (the tape that confirms paper fills).
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { InputEventSchema, type InputEvent, type MarketInfo } from '../../src/core/events.ts';
import { startPolymarketFeeds } from '../../src/polymarket/polymarketFeeds.ts';
import { fakeClobRest, fakeWsServer, until } from './fakes/polymarket.ts';

const frame = readFileSync('test/fixtures/polymarket/ws_market_last_trade_price_docs_example.json', 'utf8');
const fields = JSON.parse(frame) as { asset_id: string; market: string };

function market(): MarketInfo {
  const now = Date.now();
  return {
    market_id: fields.market,
    slug: 'btc-updown-5m-x',
    question: 'Bitcoin Up or Down',
    family: '5m',
    window_start_ms: now - 1_000,
    window_end_ms: now + 300_000,
    tokens: [
      { token_id: fields.asset_id, outcome: 'Up' },
      { token_id: 'other-token', outcome: 'Down' },
    ],
    tick_size: 0.001,
    min_size: 5,
    fee: { rate: 0.07, exponent: 1, taker_only: true },
    resolution: { rule: 'end_gte_start', source: 'chainlink' },
    price_to_beat: null,
    price_to_beat_estimated: false,
  };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe('Polymarket trade prints', () => {
  it('turns a last_trade_price frame into a market_trade input with the print price, size, side and exchange time', async () => {
    const ws = await fakeWsServer();
    const rtds = await fakeWsServer();
    const rest = await fakeClobRest();
    const events: InputEvent[] = [];
    const feeds = startPolymarketFeeds({
      clobWsUrl: ws.url,
      clobUrl: rest.url,
      rtdsUrl: rtds.url,
      emit: (e) => events.push(e),
      snapshotWaitMs: 60_000,
      backoff: { initialMs: 20, maxMs: 400 },
    });
    cleanups.push(ws.close, rtds.close, rest.close, () => feeds.close());
    feeds.setMarkets([market()]);
    await until(() => (ws.received[0]?.length ?? 0) > 0);
    ws.sendTo(0, frame);
    await until(() => events.some((e) => e.event_type === 'market_trade'));
    const trades = events.filter((e) => e.event_type === 'market_trade');
    expect(trades).toHaveLength(1);
    expect(trades[0]).toMatchObject({
      market_id: fields.market,
      token_id: fields.asset_id,
      px: 0.456,
      qty: 219.217767,
      side: 'buy',
      ts_exchange_ms: 1750428146322,
    });
    expect(InputEventSchema.safeParse(trades[0]).success).toBe(true);
  });
});
