// Goal: the sim's other traders, driven on a recording book: how often noise takers trade,
// their side, size floor and far limits; when informed takers buy or sell and at which limit
// (the edge inclusive); no informed flow before the price to beat; and the prints each
// match makes on both tokens.
import { describe, expect, it } from 'vitest';
import type { InputEvent, Level, MarketInfo } from '../../src/core/events.ts';
import { Rng } from '../../src/core/rng.ts';
import { simRealism, type SimRealism } from '../../src/sim/profile.ts';
import { SimFeed } from '../../src/sim/sim.ts';
import { takerTrades, type TakeableBook } from '../../src/sim/takers.ts';

function market(): MarketInfo {
  for (const e of new SimFeed({ seed: 1 }).events()) if (e.event_type === 'market_discovered') return e.market;
  throw new Error('unreachable');
}
const INFO = market();

class Recorder implements TakeableBook {
  calls: { buy: boolean; qty: number; limitPx: number }[] = [];
  constructor(
    private readonly t: { bid: number | null; ask: number | null },
    private readonly fill: Level[] = [],
  ) {}
  touch() {
    return this.t;
  }
  take(buy: boolean, qty: number, limitPx: number): Level[] {
    this.calls.push({ buy, qty, limitPx });
    return this.fill;
  }
}

const R = (over: Partial<SimRealism>): SimRealism =>
  simRealism('efficient', { noiseTakersPerMin: 0, informedTakersPerMin: 0, informedEdge: 0.01, informedTakerShares: 50, ...over });
const run = (book: TakeableBook, truth: number | null, r: SimRealism, rng: Rng, ts = 7_000): InputEvent[] => [
  ...takerTrades(INFO, book, truth, r, rng, ts),
];

/** The takers' draws per step, replayed: noise?, side, size, look?. */
function draws(seed: number, n: number, meanShares: number) {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => ({ noiseU: rng.next(), buyU: rng.next(), size: rng.exponential(meanShares), lookU: rng.next() }));
}

describe('noise takers', () => {
  it('trade noiseTakersPerMin times a minute on average: each 100 ms step with that share of a minute', () => {
    const r = R({ noiseTakersPerMin: 30 });
    const rng = new Rng(21);
    const book = new Recorder({ bid: 0.4, ask: 0.6 });
    const n = 2_000;
    for (let i = 0; i < n; i++) run(book, 0.5, r, rng);
    const want = draws(21, n, 20).filter((d) => d.noiseU < (30 * 100) / 60_000).length;
    expect(book.calls).toHaveLength(want);
    expect(want).toBeGreaterThan(70);
    expect(want).toBeLessThan(130);
  });

  it('a random side, a market order to 0.99 or 0.01, an exponential size of at least one share', () => {
    const r = R({ noiseTakersPerMin: 600, noiseTakerShares: 20 });
    const rng = new Rng(22);
    const book = new Recorder({ bid: 0.4, ask: 0.6 });
    const d = draws(22, 200, 20);
    for (let i = 0; i < 200; i++) run(book, 0.5, r, rng);
    expect(book.calls).toHaveLength(200);
    book.calls.forEach((c, i) => {
      const buy = d[i]!.buyU < 0.5;
      expect(c.buy).toBe(buy);
      expect(c.limitPx).toBe(buy ? 0.99 : 0.01);
      expect(c.qty).toBe(Math.max(1, Math.round(d[i]!.size)));
      expect(c.qty).toBeGreaterThanOrEqual(1);
    });
    expect(book.calls.some((c) => c.buy)).toBe(true);
    expect(book.calls.some((c) => !c.buy)).toBe(true);
    const mean = book.calls.reduce((s, c) => s + c.qty, 0) / 200;
    expect(mean).toBeGreaterThan(15);
    expect(mean).toBeLessThan(25);
  });

  it('a tiny mean size still trades one share', () => {
    const book = new Recorder({ bid: null, ask: null });
    const rng = new Rng(23);
    for (let i = 0; i < 20; i++) run(book, null, R({ noiseTakersPerMin: 600, noiseTakerShares: 0.01 }), rng);
    expect(book.calls.map((c) => c.qty)).toEqual(Array(20).fill(1));
  });

  it('noise trades before the price to beat too (informed ones do not)', () => {
    const book = new Recorder({ bid: 0.4, ask: 0.45 });
    run(book, null, R({ noiseTakersPerMin: 600, informedTakersPerMin: 600 }), new Rng(24));
    expect(book.calls).toHaveLength(1);
  });
});

describe('informed takers', () => {
  const informed = (over: Partial<SimRealism> = {}) => R({ informedTakersPerMin: 600, ...over });

  it('buy when the ask is at least the edge below the truth, up to their size, at the truth less the edge', () => {
    const book = new Recorder({ bid: 0.5, ask: 0.55 });
    run(book, 0.6, informed(), new Rng(25));
    expect(book.calls).toHaveLength(1);
    expect(book.calls[0]!.buy).toBe(true);
    expect(book.calls[0]!.qty).toBe(50);
    expect(book.calls[0]!.limitPx).toBeCloseTo(0.59, 12);
  });

  it('sell when the bid is at least the edge above the truth, at the truth plus the edge', () => {
    const book = new Recorder({ bid: 0.65, ask: 0.7 });
    run(book, 0.6, informed({ informedTakerShares: 30 }), new Rng(26));
    expect(book.calls).toEqual([{ buy: false, qty: 30, limitPx: expect.closeTo(0.61, 12) as number }]);
  });

  it('an edge of exactly one tick counts, even where the float difference falls a hair short', () => {
    // 0.03 − 0.02 is 0.00999… in floating point.
    const buy = new Recorder({ bid: null, ask: 0.02 });
    run(buy, 0.03, informed(), new Rng(27));
    expect(buy.calls).toHaveLength(1);
    const sell = new Recorder({ bid: 0.03, ask: null });
    run(sell, 0.02, informed(), new Rng(27));
    expect(sell.calls).toHaveLength(1);
    expect(sell.calls[0]!.buy).toBe(false);
  });

  it('a touch inside the edge, or an empty side, is left alone', () => {
    const book = new Recorder({ bid: 0.595, ask: 0.605 });
    run(book, 0.6, informed(), new Rng(28));
    const empty = new Recorder({ bid: null, ask: null });
    run(empty, 0.6, informed(), new Rng(28));
    expect([...book.calls, ...empty.calls]).toEqual([]);
    const wide = new Recorder({ bid: 0.58, ask: 0.62 });
    run(wide, 0.6, informed({ informedEdge: 0.03 }), new Rng(28));
    expect(wide.calls).toEqual([]);
  });

  it('a larger edge setting needs a larger gap', () => {
    const book = new Recorder({ bid: null, ask: 0.55 });
    run(book, 0.6, informed({ informedEdge: 0.06 }), new Rng(29));
    expect(book.calls).toEqual([]);
    run(book, 0.6, informed({ informedEdge: 0.05 }), new Rng(29));
    expect(book.calls).toHaveLength(1);
    expect(book.calls[0]!.limitPx).toBeCloseTo(0.55, 12);
  });

  it('look informedTakersPerMin times a minute: a step looks when its draw is below that share', () => {
    const r = R({ informedTakersPerMin: 60 });
    const rng = new Rng(30);
    const book = new Recorder({ bid: 0.3, ask: 0.4 });
    const n = 3_000;
    for (let i = 0; i < n; i++) run(book, 0.6, r, rng);
    const want = draws(30, n, 20).filter((d) => d.lookU < (60 * 100) / 60_000).length;
    expect(book.calls).toHaveLength(want);
    expect(want).toBeGreaterThan(2);
  });
});

describe('the prints', () => {
  it('each matched level prints on Up with the taker side and on Down mirrored', () => {
    const book = new Recorder({ bid: 0.5, ask: 0.52 }, [
      [0.52, 10],
      [0.53, 4],
    ]);
    const out = run(book, 0.6, R({ informedTakersPerMin: 600 }), new Rng(31), 9_900);
    const base = { event_type: 'market_trade', market_id: INFO.market_id, ts_exchange_ms: 9_900, ts_unix_ms: 9_900 };
    const [up, down] = INFO.tokens;
    expect(out).toEqual([
      { ...base, token_id: up.token_id, px: 0.52, qty: 10, side: 'buy' },
      { ...base, token_id: down.token_id, px: 0.48, qty: 10, side: 'sell' },
      { ...base, token_id: up.token_id, px: 0.53, qty: 4, side: 'buy' },
      { ...base, token_id: down.token_id, px: 0.47, qty: 4, side: 'sell' },
    ]);
  });

  it('a sell prints sell on Up and buy on Down', () => {
    const book = new Recorder({ bid: 0.7, ask: 0.75 }, [[0.7, 5]]);
    const out = run(book, 0.6, R({ informedTakersPerMin: 600 }), new Rng(32));
    expect(out.map((e) => (e.event_type === 'market_trade' ? [e.side, e.px] : null))).toEqual([
      ['sell', 0.7],
      ['buy', 0.3],
    ]);
  });

  it('a noise sell prints sell on Up', () => {
    const d = draws(33, 50, 20);
    const i = d.findIndex((x) => x.buyU >= 0.5);
    const rng = new Rng(33);
    for (let k = 0; k < i; k++) run(new Recorder({ bid: null, ask: null }), null, R({ noiseTakersPerMin: 600 }), rng);
    const out = run(new Recorder({ bid: 0.4, ask: 0.6 }, [[0.4, 3]]), null, R({ noiseTakersPerMin: 600 }), rng);
    expect(out.map((e) => (e.event_type === 'market_trade' ? e.side : null))).toEqual(['sell', 'buy']);
  });
});
