// Goal: the market-channel parser turns every real Polymarket frame shape (object, array, text, legacy and current price_change) into the right typed message and counts bad frames instead of throwing.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseClobFrame, subscribeFrame, updateFrame } from '../../src/polymarket/wire/clobWsMessages.ts';

const fx = (name: string) => readFileSync(`test/fixtures/polymarket/${name}`, 'utf8');
const one = (text: string) => {
  const msgs = parseClobFrame(text);
  expect(msgs).toHaveLength(1);
  return msgs[0]!;
};

/** The legacy price_change, verbatim from docs.polymarket.com market-channel-migration-guide ("Before"). */
const LEGACY_PRICE_CHANGE =
  '{"asset_id":"71321045679252212594626385532706912750332728571942532289631379312455583992563","changes":[{"price":"0.4","side":"SELL","size":"3300"}],"event_type":"price_change","market":"0x5f65177b394277fd294cd75650044e32ba009a95022d88a0c1d565897d72f8f1","timestamp":"1729084877448","hash":"3cd4d61e042c81560c9037ece0c61f3b1a8fbbdd"}';

describe('parseClobFrame', () => {
  it('parses a book snapshot with string numbers into levels and a ms timestamp', () => {
    const m = one(fx('ws_market_book.json'));
    expect(m).toEqual({
      kind: 'book',
      market: '0xdd22472e552920b8438158ea7238bfadfa4f736aa4cee91a6b86c39ead110917',
      assetId: '71321045679252212594626385532706912750332728571942532289631379312455583992563',
      bids: [
        [0.5, 200],
        [0.49, 350],
      ],
      asks: [
        [0.51, 150],
        [0.52, 250],
      ],
      tsMs: 1703875200000,
      hash: null,
      tickSize: null,
    });
  });

  it('reads prices written without a leading zero (".48") as in the docs example', () => {
    const m = one(fx('ws_market_book_docs_example.json'));
    expect(m.kind === 'book' && m.bids.map((l) => l[0])).toEqual([0.48, 0.49, 0.5]);
  });

  it('keeps the tick size and hash of a live-captured book', () => {
    const m = one(fx('ws_market_book_captured_truncated.json'));
    expect(m.kind).toBe('book');
    if (m.kind !== 'book') return;
    expect(m.tickSize).toBe(0.01);
    expect(m.hash).toBe('ed47eb91f3c7985fac1cb18cb7c19535eddd3c0a');
    expect(m.asks).toHaveLength(10);
    expect(m.bids[6]).toEqual([0.07, 182528.55]);
  });

  it('parses the current price_change shape with per-change asset, hash and best prices', () => {
    const m = one(fx('ws_market_price_change_docs_example.json'));
    expect(m).toMatchObject({ kind: 'price_change', tsMs: 1757908892351 });
    if (m.kind !== 'price_change') return;
    expect(m.changes).toEqual([
      {
        assetId: '71321045679252212594626385532706912750332728571942532289631379312455583992563',
        side: 'bid',
        px: 0.5,
        size: 200,
        hash: '56621a121a47ed9333273e21c83b660cff37ae50',
        bestBid: 0.5,
        bestAsk: 1,
      },
      {
        assetId: '52114319501245915516055106046884209969926127482827954674443846427813813222426',
        side: 'ask',
        px: 0.5,
        size: 200,
        hash: '1895759e4df7a796bf4f1c5a5950b748306923e2',
        bestBid: 0,
        bestAsk: 0.5,
      },
    ]);
  });

  it('recognises a price_change without event_type by its price_changes array', () => {
    const m = one(fx('ws_market_price_change_new_two_assets_no_event_type.json'));
    expect(m.kind === 'price_change' && m.changes.map((c) => [c.side, c.px, c.size])).toEqual([
      ['bid', 0.51, 150],
      ['ask', 0.49, 100],
    ]);
  });

  it('parses the legacy price_change shape (root asset_id, changes[], root hash)', () => {
    const m = one(LEGACY_PRICE_CHANGE);
    expect(m.kind === 'price_change' && m.changes).toEqual([
      {
        assetId: '71321045679252212594626385532706912750332728571942532289631379312455583992563',
        side: 'ask',
        px: 0.4,
        size: 3300,
        hash: '3cd4d61e042c81560c9037ece0c61f3b1a8fbbdd',
        bestBid: null,
        bestAsk: null,
      },
    ]);
  });

  it('parses tick_size_change, last_trade_price, best_bid_ask, market_resolved and new_market', () => {
    expect(one(fx('ws_market_tick_size_change_docs_example.json'))).toMatchObject({
      kind: 'tick_size_change',
      oldTick: 0.01,
      newTick: 0.001,
      tsMs: 100000000,
    });
    expect(one(fx('ws_market_last_trade_price_docs_example.json'))).toMatchObject({
      kind: 'last_trade_price',
      px: 0.456,
      size: 219.217767,
      side: 'buy',
    });
    expect(one(fx('ws_market_best_bid_ask.json'))).toMatchObject({
      kind: 'best_bid_ask',
      bestBid: 0.73,
      bestAsk: 0.77,
      tsMs: 1766789469958,
    });
    expect(one(fx('ws_market_market_resolved.json'))).toMatchObject({
      kind: 'market_resolved',
      winningAssetId: '76043073756653678226373981964075571318267289248134717369284518995922789326425',
      winningOutcome: 'Yes',
    });
    expect(one(fx('ws_market_new_market.json'))).toMatchObject({
      kind: 'new_market',
      assetIds: expect.arrayContaining(['31690934263385727664202099278545688007799199447969475608906331829650099442770']),
    });
  });

  it('splits a JSON array frame into one message per element, bad elements included', () => {
    const frame = `[${fx('ws_market_book.json')},${fx('ws_market_price_change_new.json')},{"event_type":"book"}]`;
    expect(parseClobFrame(frame).map((m) => m.kind)).toEqual(['book', 'price_change', 'invalid']);
  });

  it('treats PONG and notices as text, and counts bad JSON, unknown types and bad numbers as invalid', () => {
    expect(parseClobFrame('PONG')).toEqual([{ kind: 'text', text: 'PONG' }]);
    expect(parseClobFrame('NO NEW ASSETS')).toEqual([{ kind: 'text', text: 'NO NEW ASSETS' }]);
    expect(parseClobFrame('{"event_type":"book",')).toEqual([{ kind: 'invalid', reason: 'bad JSON' }]);
    expect(one('{"event_type":"mystery","market":"m"}')).toEqual({ kind: 'invalid', reason: 'unknown event_type mystery' });
    const badPx = fx('ws_market_book.json').replace('"0.50"', '"abc"');
    expect(one(badPx)).toMatchObject({ kind: 'invalid', reason: expect.stringContaining('bad number') });
    const outOfRange = fx('ws_market_book.json').replace('"0.50"', '"1.50"');
    expect(one(outOfRange)).toMatchObject({ kind: 'invalid', reason: expect.stringContaining('price out of') });
    expect(one('[42]')).toEqual({ kind: 'invalid', reason: 'not an object' });
  });
});

describe('market-channel outbound frames', () => {
  it('subscribes like the documented initial frame', () => {
    const doc = JSON.parse(fx('ws_market_subscribe_initial.json')) as { assets_ids: string[] };
    expect(JSON.parse(subscribeFrame(doc.assets_ids))).toEqual(doc);
  });

  it('adds and drops assets on a live connection like the documented update frames', () => {
    const sub = JSON.parse(fx('ws_market_subscribe_incremental.json')) as { assets_ids: string[] };
    const unsub = JSON.parse(fx('ws_market_unsubscribe.json')) as { assets_ids: string[] };
    expect(JSON.parse(updateFrame('subscribe', sub.assets_ids))).toEqual(sub);
    expect(JSON.parse(updateFrame('unsubscribe', unsub.assets_ids))).toEqual(unsub);
  });
});
