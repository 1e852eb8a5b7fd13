// Goal: paper execution honours latency, time in force, market rules and our own consumed depth, and says so in events.
import { describe, expect, it } from 'vitest';
import { paperFillBuy } from '../../src/paper/topOfBook.ts';
import { FEE_FREE } from '../../src/core/fees.ts';
import { Harness, T0, WINDOW_MS, market } from './paper-harness.ts';

const ASKS3: [number, number][] = [
  [0.5, 10],
  [0.51, 20],
  [0.53, 30],
];

describe('latency', () => {
  it('matches the book in force at decision + latency, not the one at the decision', () => {
    const h = new Harness();
    h.book('up', T0, [[0.5, 100]]);
    const id = h.order({ side: 'buy', qty: 10, limit_px: 0.6 }, T0);
    h.book('up', T0 + 100, [[0.55, 100]]);
    expect(h.events('paper_fill')).toHaveLength(0);
    h.book('up', T0 + 300, [[0.58, 100]]);
    const [fill] = h.events('paper_fill');
    expect(fill).toMatchObject({ intent_id: id, qty: 10, fill_px: 0.55, ts_unix_ms: T0 + 300 });
  });

  it('uses a book stamped exactly at decision + latency', () => {
    const h = new Harness();
    h.book('up', T0, [[0.5, 100]]);
    h.order({ side: 'buy', qty: 10, limit_px: 0.6 }, T0);
    h.book('up', T0 + 250, [[0.56, 100]]);
    expect(h.events('paper_fill')[0]?.fill_px).toBe(0.56);
  });

  it('announces the intent with its match time at once', () => {
    const h = new Harness({ latencyMs: 400 });
    h.book('up', T0, [[0.5, 100]]);
    h.order({ side: 'buy', qty: 10, limit_px: 0.6 }, T0 + 5);
    expect(h.events('paper_intent')[0]).toMatchObject({ tif: 'IOC', match_after_ms: T0 + 405, ts_unix_ms: T0 + 5 });
  });
});

describe('time in force', () => {
  it('IOC fills what the book holds within the limit and cancels the rest', () => {
    const h = new Harness({ tif: 'IOC' });
    h.book('up', T0, ASKS3);
    const id = h.order({ side: 'buy', qty: 50, limit_px: 0.51 });
    h.tick(T0 + 250);
    expect(h.events('paper_fill')[0]).toMatchObject({
      intent_id: id,
      qty: 30,
      requested_qty: 50,
      levels_consumed: 2,
      liquidity: 'taker',
      tif: 'IOC',
    });
    expect(h.events('order_expired')[0]).toMatchObject({ intent_id: id, reason: 'ioc_remainder', filled_qty: 30, remaining_qty: 20 });
    expect(h.portfolio.held('up')).toBe(30);
  });

  it('FOK refuses an order the depth cannot fill entirely, and fills one it can', () => {
    const h = new Harness({ tif: 'FOK' });
    h.book('up', T0, ASKS3);
    const refused = h.order({ side: 'buy', qty: 61, limit_px: 0.53 });
    h.tick(T0 + 250);
    expect(h.events('risk_reject')[0]).toMatchObject({
      intent_id: refused,
      reason: 'fok_insufficient_depth',
      numbers: { requested: 61, available: 60 },
    });
    expect(h.events('paper_fill')).toHaveLength(0);
    h.order({ side: 'buy', qty: 60, limit_px: 0.53 });
    h.tick(T0 + 500);
    expect(h.events('paper_fill')[0]).toMatchObject({ qty: 60, levels_consumed: 3 });
  });

  it('IOC with nothing inside the limit is a reject with the best price', () => {
    const h = new Harness();
    h.book('up', T0, ASKS3);
    h.order({ side: 'buy', qty: 10, limit_px: 0.45 });
    h.tick(T0 + 250);
    expect(h.events('risk_reject')[0]).toMatchObject({ reason: 'no_liquidity_within_limit', numbers: { best: 0.5, limit_px: 0.45 } });
  });

  it('GTC takes what crosses, rests, and fills as a maker only from prints that reach it, never from a book move', () => {
    const h = new Harness({ tif: 'GTC', gtcTtlMs: 60_000 });
    h.book('up', T0, [
      [0.5, 10],
      [0.52, 50],
    ]);
    const id = h.order({ side: 'buy', qty: 30, limit_px: 0.5 });
    h.tick(T0 + 250);
    expect(h.events('paper_fill')[0]).toMatchObject({ intent_id: id, qty: 10, liquidity: 'taker' });
    expect(h.events('order_queue')[0]).toMatchObject({ intent_id: id, remaining_qty: 20, queue_ahead_qty: 0 });
    // Asks arriving at our price do not fill us, nor asks through it: no print, no fill.
    h.book('up', T0 + 1000, [
      [0.5, 40],
      [0.52, 50],
    ]);
    h.book('up', T0 + 1500, [
      [0.48, 15],
      [0.49, 100],
    ]);
    expect(h.events('paper_fill')).toHaveLength(1);
    // A print through our price reaches us: we fill at our own price, fee-free.
    h.trade('up', T0 + 2000, 0.49, 15);
    expect(h.events('paper_fill')[1]).toMatchObject({ intent_id: id, qty: 15, fill_px: 0.5, fee: 0, liquidity: 'maker', tif: 'GTC' });
    h.trade('up', T0 + 2500, 0.5, 10);
    expect(h.events('paper_fill')[2]).toMatchObject({ intent_id: id, qty: 5, fill_px: 0.5, liquidity: 'maker' });
    expect(h.exec.openOrders).toBe(0);
  });

  it('a resting GTC filled as a maker pays exactly its own price, slippage or not', () => {
    const h = new Harness({ tif: 'GTC', gtcTtlMs: 60_000, slippageBps: 100 });
    h.book('up', T0, [[0.52, 50]]);
    const id = h.order({ side: 'buy', qty: 20, limit_px: 0.5 });
    h.tick(T0 + 250);
    h.trade('up', T0 + 1000, 0.48, 50);
    expect(h.events('paper_fill')).toEqual([expect.objectContaining({ intent_id: id, qty: 20, fill_px: 0.5, liquidity: 'maker' })]);
  });

  it('GTC expires at its deadline, or at the window end when that comes first', () => {
    const h = new Harness({ tif: 'GTC', gtcTtlMs: 5_000 });
    h.book('up', T0, [[0.6, 100]]);
    const id = h.order({ side: 'buy', qty: 10, limit_px: 0.5 });
    expect(h.events('paper_intent')[0]?.expires_at_ms).toBe(T0 + 5_000);
    h.tick(T0 + 4_999);
    expect(h.events('order_expired')).toHaveLength(0);
    h.tick(T0 + 5_000);
    expect(h.events('order_expired')[0]).toMatchObject({ intent_id: id, reason: 'deadline', filled_qty: 0, remaining_qty: 10 });

    const late = new Harness({ tif: 'GTC', gtcTtlMs: 60_000 });
    late.book('up', T0, [[0.6, 100]]);
    late.order({ side: 'buy', qty: 10, limit_px: 0.5 }, T0 + WINDOW_MS - 10_000);
    late.tick(T0 + WINDOW_MS);
    expect(late.events('order_expired')[0]).toMatchObject({ reason: 'window_end' });
  });

  it('resolution ends every open order of the market', () => {
    const h = new Harness({ tif: 'GTC' });
    h.book('up', T0, [[0.6, 100]]);
    h.order({ side: 'buy', qty: 10, limit_px: 0.5 });
    h.order({ side: 'buy', qty: 10, limit_px: 0.5 }, T0 + 100);
    h.tick(T0 + 300);
    h.exec.cancelMarket('m1', T0 + 301, h.out);
    expect(h.events('order_expired').map((e) => e.reason)).toEqual(['market_resolved', 'market_resolved']);
    expect(h.exec.openOrders).toBe(0);
  });
});

describe('our own consumed depth', () => {
  it('is offered again only when that price level changes, not when the book is re-sent or another level moves', () => {
    const h = new Harness();
    h.book('up', T0, [
      [0.5, 10],
      [0.51, 10],
    ]);
    h.order({ side: 'buy', qty: 10, limit_px: 0.51 });
    h.order({ side: 'buy', qty: 10, limit_px: 0.51 });
    h.tick(T0 + 250);
    const [a, b] = h.events('paper_fill');
    expect(a!.fill_px).toBe(0.5);
    expect(b!.fill_px).toBe(0.51);
    h.order({ side: 'buy', qty: 10, limit_px: 0.51 }, T0 + 250);
    h.tick(T0 + 500);
    expect(h.events('risk_reject')[0]?.reason).toBe('no_liquidity_within_limit');
    // The same levels re-sent, and a new level further out: what we took is still taken.
    h.book('up', T0 + 600, [
      [0.5, 10],
      [0.51, 10],
      [0.52, 40],
    ]);
    h.order({ side: 'buy', qty: 10, limit_px: 0.51 });
    h.tick(T0 + 850);
    expect(h.events('risk_reject')[1]).toMatchObject({ reason: 'no_liquidity_within_limit', numbers: { available: 0 } });
    // The 0.50 level is resized: it alone is offered again, at its new size.
    h.book('up', T0 + 900, [
      [0.5, 12],
      [0.51, 10],
      [0.52, 40],
    ]);
    h.order({ side: 'buy', qty: 20, limit_px: 0.51 });
    h.tick(T0 + 1150);
    expect(h.events('paper_fill')[2]).toMatchObject({ qty: 12, fill_px: 0.5 });
  });

  it('a level that leaves the book and comes back is fresh depth', () => {
    const h = new Harness();
    h.book('up', T0, [[0.5, 10]]);
    h.order({ side: 'buy', qty: 10, limit_px: 0.5 });
    h.tick(T0 + 250);
    h.book('up', T0 + 300, [[0.51, 10]]);
    h.book('up', T0 + 400, [[0.5, 10]]);
    h.order({ side: 'buy', qty: 10, limit_px: 0.5 });
    h.tick(T0 + 650);
    expect(h.events('paper_fill').map((f) => f.qty)).toEqual([10, 10]);
  });
});

describe('no price improvement from latency', () => {
  it('a buy never pays less than the ask it decided on, even when the book falls meanwhile', () => {
    const h = new Harness();
    h.book('up', T0, [[0.55, 100]], [[0.53, 100]]);
    const id = h.order({ side: 'buy', qty: 10, limit_px: 0.55 });
    h.book('up', T0 + 100, [[0.5, 100]], [[0.48, 100]]);
    h.tick(T0 + 250);
    expect(h.events('paper_fill')[0]).toMatchObject({ intent_id: id, qty: 10, fill_px: 0.55, vwap_px: 0.55 });
  });

  it('a sell never receives more than the bid it decided on, and still pays for a book that moved away', () => {
    const h = new Harness();
    h.portfolio.apply({ market_id: 'm1', token_id: 'up', outcome: 'Up' }, 'buy', 20, 0.5, 0);
    h.book('up', T0, [[0.55, 100]], [[0.53, 100]]);
    h.order({ side: 'sell', qty: 10, limit_px: 0.5 });
    h.book('up', T0 + 100, [[0.6, 100]], [[0.58, 100]]);
    h.order({ side: 'sell', qty: 10, limit_px: 0.5 }, T0 + 200);
    h.book('up', T0 + 300, [[0.55, 100]], [[0.51, 100]]);
    h.tick(T0 + 500);
    expect(h.events('paper_fill').map((f) => f.fill_px)).toEqual([0.53, 0.51]);
  });
});

describe('market rules', () => {
  it.each([
    [{ limit_px: 0.505 }, 'price_off_tick'],
    [{ limit_px: 1 }, 'invalid_order'],
    [{ limit_px: 0 }, 'invalid_order'],
    [{ qty: 4.99 }, 'min_order_qty'],
    [{ qty: Number.NaN }, 'invalid_order'],
    [{ side: 'sell' as const }, 'naked_short'],
  ])('rejects %o as %s, with no intent and nothing rounded', (over, reason) => {
    const h = new Harness();
    h.book('up', T0, [[0.5, 100]], [[0.49, 100]]);
    h.order({ side: 'buy', qty: 10, limit_px: 0.5, ...over });
    expect(h.events('risk_reject')[0]?.reason).toBe(reason);
    expect(h.events('paper_intent')).toHaveLength(0);
  });

  it('follows a tick size change carried on the book', () => {
    const h = new Harness();
    h.book('up', T0, [[0.5, 100]]);
    h.order({ side: 'buy', qty: 10, limit_px: 0.505 });
    expect(h.events('risk_reject')[0]?.reason).toBe('price_off_tick');
    h.book('up', T0 + 10, [[0.505, 100]], [], 0.001);
    h.order({ side: 'buy', qty: 10, limit_px: 0.505 });
    h.tick(T0 + 300);
    expect(h.events('paper_fill')[0]?.fill_px).toBe(0.505);
  });

  it('refuses a sell of more than is held, counting shares already promised to open sells', () => {
    const h = new Harness({ latencyMs: 0 });
    h.book('up', T0, [[0.5, 100]], [[0.49, 100]]);
    h.order({ side: 'buy', qty: 10, limit_px: 0.5 });
    expect(h.portfolio.held('up')).toBe(10);
    const h2 = new Harness({ latencyMs: 250 }, market(), 10_000);
    h2.book('up', T0, [[0.5, 100]], [[0.49, 100]]);
    h2.portfolio.apply({ market_id: 'm1', token_id: 'up', outcome: 'Up' }, 'buy', 10, 0.5, 0);
    h2.order({ side: 'sell', qty: 6, limit_px: 0.49 });
    h2.order({ side: 'sell', qty: 6, limit_px: 0.49 });
    expect(h2.events('risk_reject')[0]).toMatchObject({ reason: 'naked_short', numbers: { held_qty: 4 } });
  });

  it('refuses a buy the cash cannot pay for', () => {
    const h = new Harness({}, market(), 3);
    h.book('up', T0, [[0.5, 100]]);
    h.order({ side: 'buy', qty: 10, limit_px: 0.5 });
    h.tick(T0 + 250);
    expect(h.events('risk_reject')[0]?.reason).toBe('insufficient_cash');
    expect(h.portfolio.cash).toBe(3);
  });

  it('an order due after the window end is rejected', () => {
    const h = new Harness();
    h.book('up', T0, [[0.5, 100]]);
    h.order({ side: 'buy', qty: 10, limit_px: 0.5 }, T0 + WINDOW_MS - 100);
    h.tick(T0 + WINDOW_MS + 300);
    expect(h.events('risk_reject')[0]?.reason).toBe('window_ended');
  });
});

describe('fees on fills', () => {
  it('the taker pays the schedule fee at the VWAP; a fee-free market pays none', () => {
    const h = new Harness();
    h.book('up', T0, [[0.5, 100]]);
    h.order({ side: 'buy', qty: 100, limit_px: 0.5 });
    h.tick(T0 + 250);
    expect(h.events('paper_fill')[0]?.fee).toBe(1.75);
    expect(h.portfolio.fees).toBe(1.75);
    expect(h.portfolio.cash).toBe(10_000 - 50 - 1.75);

    const free = new Harness({}, market({ fee: FEE_FREE }));
    free.book('up', T0, [[0.5, 100]]);
    free.order({ side: 'buy', qty: 100, limit_px: 0.5 });
    free.tick(T0 + 250);
    expect(free.events('paper_fill')[0]?.fee).toBe(0);
  });

  it('with the seed bps fee override, a one-level book gives the seed fill through the whole path', () => {
    const h = new Harness({ slippageBps: 10, feeBpsOverride: 2 });
    h.book('up', T0, [[0.62, 50]]);
    // A limit the slipped price (0.62062) respects: the seed rule itself has no limit.
    h.order({ side: 'buy', qty: 5, limit_px: 0.63 });
    h.tick(T0 + 250);
    const seed = paperFillBuy(0.62, 5, 10, 2);
    expect(h.events('paper_fill')[0]).toMatchObject({ qty: seed.qty, fill_px: seed.fill_px, fee: seed.fee, vwap_px: 0.62 });
  });
});
