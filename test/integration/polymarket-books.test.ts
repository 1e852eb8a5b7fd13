// Goal: against loopback fakes of the CLOB market socket and REST API, the Polymarket feeds subscribe every token, build the expected books from real frames, resync from REST after a dropped socket or an inconsistent book, shard above the per-connection limit, and survive bad frames and 429s.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { BookSnapshot, InputEvent, MarketInfo } from '../../src/core/events.ts';
import { startPolymarketFeeds, type PolymarketFeeds } from '../../src/polymarket/polymarketFeeds.ts';
import { fakeClobRest, fakeWsServer, until, type FakeRest, type FakeWs } from './fakes/polymarket.ts';

const fx = (name: string) => readFileSync(`test/fixtures/polymarket/${name}`, 'utf8');
const UP = '71321045679252212594626385532706912750332728571942532289631379312455583992563';
const DOWN = '52114319501245915516055106046884209969926127482827954674443846427813813222426';
const COND = '0xdd22472e552920b8438158ea7238bfadfa4f736aa4cee91a6b86c39ead110917';

function market(id: string, up: string, down: string): MarketInfo {
  const now = Date.now();
  return {
    market_id: id,
    slug: `btc-updown-5m-${id}`,
    question: 'Bitcoin Up or Down',
    family: '5m',
    window_start_ms: now - 1_000,
    window_end_ms: now + 300_000,
    tokens: [
      { token_id: up, outcome: 'Up' },
      { token_id: down, outcome: 'Down' },
    ],
    tick_size: 0.01,
    min_size: 5,
    fee: { rate: 0.07, exponent: 1, taker_only: true },
    resolution: { rule: 'end_gte_start', source: 'chainlink' },
    price_to_beat: null,
    price_to_beat_estimated: false,
  };
}

/** A REST /book body for `token` built from the live-shape fixture (best bid 0.74, best ask 0.75). */
function restBook(token: string): unknown {
  return { ...(JSON.parse(fx('clob_book_live_shape_btc_updown.json')) as object), asset_id: token, market: COND };
}

function priceChange(side: 'BUY' | 'SELL', price: string, size: string, bestBid: string, bestAsk: string): string {
  const o = JSON.parse(fx('ws_market_price_change_new.json')) as { price_changes: Record<string, string>[] };
  Object.assign(o.price_changes[0]!, { side, price, size, best_bid: bestBid, best_ask: bestAsk });
  return JSON.stringify(o);
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function rig(extra: { maxAssetsPerConnection?: number } = {}) {
  const ws = await fakeWsServer();
  const rtds = await fakeWsServer();
  const rest = await fakeClobRest();
  const events: InputEvent[] = [];
  const feeds = startPolymarketFeeds({
    clobWsUrl: ws.url,
    clobUrl: rest.url,
    rtdsUrl: rtds.url,
    emit: (e) => events.push(e),
    clobPingIntervalMs: 100,
    statusIntervalMs: 100,
    tickMs: 50,
    snapshotWaitMs: 60_000,
    backoff: { initialMs: 20, maxMs: 400 },
    ...extra,
  });
  cleanups.push(ws.close, rtds.close, rest.close, () => feeds.close());
  return { ws, rtds, rest, events, feeds };
}

const snapshots = (events: InputEvent[], token: string) =>
  events.filter((e): e is BookSnapshot => e.event_type === 'book_snapshot' && e.token_id === token);

async function liveBook(ws: FakeWs, feeds: PolymarketFeeds, events: InputEvent[]) {
  feeds.setMarkets([market(COND, UP, DOWN)]);
  await until(() => (ws.received[0]?.length ?? 0) > 0);
  ws.sendTo(0, fx('ws_market_book.json'));
  await until(() => snapshots(events, UP).length === 1);
}

describe('Polymarket market-channel feed', () => {
  it('subscribes every token in one frame, answers the heartbeat and builds the expected book from snapshot + deltas', async () => {
    const { ws, events, feeds } = await rig();
    await liveBook(ws, feeds, events);
    expect(JSON.parse(ws.received[0]![0]!)).toEqual({ assets_ids: [UP, DOWN], type: 'market', custom_feature_enabled: true });
    // One array frame: the ask at 0.51 is taken, then the fixture's bid at 0.51.
    ws.sendTo(0, `[${priceChange('SELL', '0.51', '0', '0.50', '0.52')},${fx('ws_market_price_change_new.json')}]`);
    await until(() => events.filter((e) => e.event_type === 'book_delta').length === 2);
    expect(feeds.stats().tokens.find((t) => t.token_id === UP)).toMatchObject({ state: 'live', bid_levels: 3, ask_levels: 1 });
    await until(() => ws.received[0]!.includes('PING'));
    await until(() => events.some((e) => e.event_type === 'venue_status' && e.source === 'polymarket_ws' && e.state === 'live'));
    const health = events.filter((e) => e.event_type === 'venue_status' && e.source === 'polymarket_ws').pop();
    // The edge says no book line of its own: whether a book is live is the read model's (polymarket-books-line.test.ts).
    expect(health).toMatchObject({ reason: null, parse_errors: 0, counts: expect.objectContaining({ books_tracked: 2 }) });
    expect(health!.event_type === 'venue_status' && health!.counts).not.toHaveProperty('books_live');
    const st = events.filter((e) => e.event_type === 'venue_status').map((e) => (e.event_type === 'venue_status' ? e.source : ''));
    expect(new Set(st)).toEqual(new Set(['polymarket_ws', 'rtds', 'clob_rest']));
  });

  it('resyncs every book from REST /book after the socket drops, and resubscribes all tokens', async () => {
    const { ws, rest, events, feeds } = await rig();
    rest.books.set(UP, restBook(UP));
    rest.books.set(DOWN, restBook(DOWN));
    await liveBook(ws, feeds, events);
    ws.dropAll();
    await until(() => snapshots(events, UP).length === 2 && snapshots(events, DOWN).length === 1);
    expect(JSON.parse(ws.received[1]![0]!)).toMatchObject({ assets_ids: [UP, DOWN] });
    expect(rest.requests).toEqual(expect.arrayContaining([`/book?token_id=${UP}`, `/book?token_id=${DOWN}`]));
    const resynced = snapshots(events, UP)[1]!;
    expect(resynced.bids[0]).toEqual([0.74, 668]);
    expect(resynced.asks[0]).toEqual([0.75, 96]);
    expect(resynced.ts_exchange_ms).toBe(1789485400000);
    expect(feeds.stats().ws.reconnects).toBe(1);
  });

  it('resyncs from REST when a delta would cross the book, and counts bad frames without losing the book', async () => {
    const { ws, rest, events, feeds } = await rig();
    rest.books.set(UP, restBook(UP));
    await liveBook(ws, feeds, events);
    ws.sendTo(0, 'NO NEW ASSETS');
    ws.sendTo(0, '{"event_type":"book","asset_id":');
    ws.sendTo(0, '{"event_type":"surprise","market":"x"}');
    ws.sendTo(0, 'PONG');
    ws.sendTo(0, fx('ws_market_price_change_new.json')); // bid 0.51 against the resting ask 0.51
    await until(() => snapshots(events, UP).length === 2);
    expect(rest.requests).toEqual([`/book?token_id=${UP}`]);
    expect(events.filter((e) => e.event_type === 'book_delta')).toHaveLength(0);
    const s = feeds.stats();
    expect(s.ws.invalid).toBe(2);
    expect(s.ws.texts).toBeGreaterThanOrEqual(2);
    expect(s.books.crossed).toBe(1);
    expect(s.tokens.find((t) => t.token_id === UP)?.state).toBe('live');
  });

  it('shards tokens above the per-connection limit and adds / drops tokens on live connections', async () => {
    const { ws, events, feeds } = await rig({ maxAssetsPerConnection: 3 });
    feeds.setMarkets([market('A', 'a1', 'a2'), market('B', 'b1', 'b2')]);
    await until(() => ws.received.length === 2 && ws.received.every((r) => r.length > 0));
    expect(ws.received.map((r) => (JSON.parse(r[0]!) as { assets_ids: string[] }).assets_ids)).toEqual([['a1', 'a2', 'b1'], ['b2']]);
    feeds.setMarkets([market('B', 'b1', 'b2'), market('C', 'c1', 'c2')]);
    await until(() => ws.received[0]!.filter((f) => f.includes('operation')).length === 2);
    const ops = ws.received[0]!.filter((f) => f.includes('operation')).map((f) => JSON.parse(f) as object);
    expect(ops).toEqual([
      { assets_ids: ['a1', 'a2'], operation: 'unsubscribe' },
      { assets_ids: ['c1', 'c2'], operation: 'subscribe', custom_feature_enabled: true },
    ]);
    expect(feeds.stats().ws).toMatchObject({ shards: 2, assets: 4 });
    expect(events.filter((e) => e.event_type === 'book_snapshot')).toHaveLength(0);
  });

  it('backs off when the server refuses connections with HTTP 429, then connects once', async () => {
    const { ws, events, feeds } = await rig();
    ws.refuseNext(2);
    feeds.setMarkets([market(COND, UP, DOWN)]);
    await until(() => ws.connections.length === 1, 15_000);
    expect(ws.refused).toBe(2);
    ws.sendTo(0, fx('ws_market_book.json'));
    await until(() => snapshots(events, UP).length === 1);
    expect(ws.connections).toHaveLength(1);
  });

  it('fetches a REST book for a token the socket sends no snapshot for', async () => {
    const ws = await fakeWsServer();
    const rtds = await fakeWsServer();
    const rest: FakeRest = await fakeClobRest();
    rest.books.set(DOWN, restBook(DOWN));
    const events: InputEvent[] = [];
    const feeds = startPolymarketFeeds({
      clobWsUrl: ws.url,
      clobUrl: rest.url,
      rtdsUrl: rtds.url,
      emit: (e) => events.push(e),
      tickMs: 50,
      snapshotWaitMs: 200,
      backoff: { initialMs: 20, maxMs: 400 },
    });
    cleanups.push(ws.close, rtds.close, rest.close, () => feeds.close());
    feeds.setMarkets([market(COND, UP, DOWN)]);
    await until(() => (ws.received[0]?.length ?? 0) > 0);
    ws.sendTo(0, fx('ws_market_book.json'));
    await until(() => snapshots(events, DOWN).length === 1);
    expect(rest.requests).toEqual([`/book?token_id=${DOWN}`]);
  });
});
