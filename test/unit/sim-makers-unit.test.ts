// Goal: the efficient makers' rules on one book, driven directly: where the touch sits for a
// true probability and a spread (and at the price range's ends), the depth ladder's sizes,
// the one random resize per requote (replayed from the same stream), our fills' consumption
// and the makers' reaction (refill and skew, its timing, its decay, its cap), other takers'
// matches, and the Down book as the mirror of the Up book.
import { describe, expect, it } from 'vitest';
import type { InputEvent, Level, MarketInfo } from '../../src/core/events.ts';
import { Rng } from '../../src/core/rng.ts';
import { MakerBook } from '../../src/sim/makers.ts';
import { simRealism, type SimRealism } from '../../src/sim/profile.ts';
import { SimFeed } from '../../src/sim/sim.ts';

function market(): MarketInfo {
  for (const e of new SimFeed({ seed: 1 }).events()) if (e.event_type === 'market_discovered') return e.market;
  throw new Error('unreachable');
}
const INFO = market();
const R = (over: Partial<SimRealism> = {}): SimRealism =>
  simRealism('efficient', { makerReactionMs: 500, impactPerShare: 0.0002, ...over });

/** The sizes the makers quote at each distance from the touch (depthShares × decayⁱ, at least 1). */
const SIZES = [200, 140, 98, 69, 48];

/** The book a requote leaves: the wanted ladder, then the one resize the replayed stream picks. */
class Model {
  bids = new Map<number, number>();
  asks = new Map<number, number>();
  constructor(private readonly rng: Rng) {}
  resize(levels: number, sizeAt: (i: number) => number): void {
    const bid = this.rng.next() < 0.5;
    const i = this.rng.int(0, Math.max(0, levels - 1));
    const factor = 0.5 + this.rng.next();
    const l = bid ? this.bids : this.asks;
    const tick = [...l.keys()].sort((a, b) => (bid ? b - a : a - b))[i];
    if (tick !== undefined) l.set(tick, Math.max(1, Math.round(sizeAt(i) * factor)));
  }
  levels(): { bids: Level[]; asks: Level[] } {
    const out = (l: Map<number, number>, desc: boolean) =>
      [...l.entries()].sort((a, b) => (desc ? b[0] - a[0] : a[0] - b[0])).map(([t, s]): Level => [t / 100, s]);
    return { bids: out(this.bids, true), asks: out(this.asks, false) };
  }
}

const collect = (g: Iterable<InputEvent>) => [...g];

/** The Up book a client holds after applying a publication's Up changes to what it held. */
function applyUp(held: { bids: Level[]; asks: Level[] }, out: InputEvent[]): { bids: Level[]; asks: Level[] } {
  const bids = new Map(held.bids.map(([p, s]) => [p, s]));
  const asks = new Map(held.asks.map(([p, s]) => [p, s]));
  for (const e of out) {
    if (e.event_type !== 'book_delta' || e.token_id !== INFO.tokens[0].token_id) continue;
    for (const c of e.changes) {
      expect(['bid', 'ask']).toContain(c.side);
      const l = c.side === 'bid' ? bids : asks;
      if (c.size === 0) l.delete(c.px);
      else l.set(c.px, c.size);
    }
  }
  const sorted = (l: Map<number, number>, desc: boolean) => [...l.entries()].sort((a, b) => (desc ? b[0] - a[0] : a[0] - b[0])) as Level[];
  return { bids: sorted(bids, true), asks: sorted(asks, false) };
}

/** The resize draws of requote `k` (0 = the first) of a seed: which side, which level from the touch. */
function resizeDraw(seed: number, k: number): { bid: boolean; i: number } {
  const rng = new Rng(seed);
  for (let j = 0; j < 3 * k; j++) rng.next();
  const bid = rng.next() < 0.5;
  return { bid, i: rng.int(0, 4) };
}
const seedWhere = (ok: (seed: number) => boolean): number => {
  for (let seed = 1; ; seed++) if (ok(seed)) return seed;
};

describe('the makers quote', () => {
  it('around 0.5 a 1-cent spread: bid 0.49, ask 0.51, five levels thinning by 0.7', () => {
    const book = new MakerBook(INFO, R(), new Rng(1));
    const out = collect(book.requote(0.5, 1_000));
    const model = new Model(new Rng(1));
    SIZES.forEach((s, i) => {
      model.bids.set(49 - i, s);
      model.asks.set(51 + i, s);
    });
    model.resize(5, (i) => SIZES[i]!);
    const want = model.levels();
    expect(book.upLevels()).toEqual(want);
    expect(book.touch()).toEqual({ bid: 0.49, ask: 0.51 });
    // The first publication is a snapshot of both tokens, the Down book the mirror.
    expect(out.map((e) => e.event_type)).toEqual(['book_snapshot', 'book_snapshot']);
    const [up, down] = out;
    expect(up).toMatchObject({ token_id: INFO.tokens[0].token_id, market_id: INFO.market_id, ts_unix_ms: 1_000, ts_exchange_ms: 1_000 });
    expect(up).toMatchObject({ bids: want.bids, asks: want.asks });
    expect(down).toMatchObject({ token_id: INFO.tokens[1].token_id, ts_unix_ms: 1_000 });
    const mirror = (ls: Level[]) => ls.map(([p, s]) => [Math.round((1 - p) * 100) / 100, s]);
    expect(down).toMatchObject({ bids: mirror(want.asks), asks: mirror(want.bids) });
  });

  it('a requote with nothing changed publishes only the resize, as deltas on both tokens', () => {
    const book = new MakerBook(INFO, R(), new Rng(2));
    const model = new Model(new Rng(2));
    collect(book.requote(0.5, 0));
    model.resize(5, (i) => SIZES[i]!);
    for (let k = 1; k <= 6; k++) {
      const before = JSON.stringify(book.upLevels());
      const out = collect(book.requote(0.5, k * 200));
      const changed = JSON.stringify(book.upLevels()) !== before;
      expect(out.length).toBe(changed ? 2 : 0);
      for (const e of out) {
        expect(e.event_type).toBe('book_delta');
        if (e.event_type !== 'book_delta') continue;
        expect(e.changes).toHaveLength(1);
        expect(e.ts_unix_ms).toBe(k * 200);
      }
      if (out.length === 2 && out[0]!.event_type === 'book_delta' && out[1]!.event_type === 'book_delta') {
        const [u] = out[0]!.changes;
        const [d] = out[1]!.changes;
        expect(d).toEqual({ side: u!.side === 'bid' ? 'ask' : 'bid', px: Math.round((1 - u!.px) * 100) / 100, size: u!.size });
      }
    }
  });

  it('a spread of zero still leaves one tick between bid and ask', () => {
    const book = new MakerBook(INFO, R({ spread: 0 }), new Rng(3));
    collect(book.requote(0.5, 0));
    expect(book.touch()).toEqual({ bid: 0.5, ask: 0.51 });
  });

  it('a wider spread rounds outward to the tick grid', () => {
    const book = new MakerBook(INFO, R({ spread: 0.05 }), new Rng(4));
    collect(book.requote(0.503, 0));
    // 0.503 ± 0.025: bid floor(47.8) = 0.47, ask ceil(52.8) = 0.53.
    expect(book.touch()).toEqual({ bid: 0.47, ask: 0.53 });
  });

  it('a mid exactly on the grid quotes that tick', () => {
    const book = new MakerBook(INFO, R({ spread: 0.02 }), new Rng(5));
    collect(book.requote(0.7, 0));
    expect(book.touch()).toEqual({ bid: 0.69, ask: 0.71 });
  });

  it('at certainty of Up only bids remain, from 0.99 down', () => {
    const book = new MakerBook(INFO, R({ spread: 0 }), new Rng(6));
    collect(book.requote(1, 0));
    const { bids, asks } = book.upLevels();
    expect(asks).toEqual([]);
    expect(bids.map(([p]) => p)).toEqual([0.99, 0.98, 0.97, 0.96, 0.95]);
    expect(book.touch()).toEqual({ bid: 0.99, ask: null });
  });

  it('at certainty of Down only asks remain, from 0.01 up', () => {
    const book = new MakerBook(INFO, R(), new Rng(7));
    collect(book.requote(0, 0));
    const { bids, asks } = book.upLevels();
    expect(bids).toEqual([]);
    expect(asks.map(([p]) => p)).toEqual([0.01, 0.02, 0.03, 0.04, 0.05]);
    expect(book.touch()).toEqual({ bid: null, ask: 0.01 });
  });

  it('near the edge the ladder stops at the price range', () => {
    const book = new MakerBook(INFO, R(), new Rng(8));
    collect(book.requote(0.03, 0));
    // 0.03 ± 0.005: bid 0.02 and 0.01 only; asks 0.04 … 0.08.
    const { bids, asks } = book.upLevels();
    expect(bids.map(([p]) => p)).toEqual([0.02, 0.01]);
    expect(asks.map(([p]) => p)).toEqual([0.04, 0.05, 0.06, 0.07, 0.08]);
  });

  it('depth settings: levels, touch size and decay (a size never below one share)', () => {
    const book = new MakerBook(INFO, R({ depthLevels: 3, depthShares: 10, depthDecay: 0.01 }), new Rng(9));
    collect(book.requote(0.5, 0));
    const model = new Model(new Rng(9));
    const sizes = [10, 1, 1];
    sizes.forEach((s, i) => {
      model.bids.set(49 - i, s);
      model.asks.set(51 + i, s);
    });
    model.resize(3, (i) => sizes[i]!);
    expect(book.upLevels()).toEqual(model.levels());
  });

  it('when the truth moves the old levels are pulled (size 0) and the new ones quoted', () => {
    const book = new MakerBook(INFO, R(), new Rng(10));
    collect(book.requote(0.5, 0));
    const out = collect(book.requote(0.6, 200));
    const delta = out[0];
    if (delta?.event_type !== 'book_delta') throw new Error('expected a delta');
    const pulled = delta.changes.filter((c) => c.size === 0).map((c) => `${c.side}${c.px}`);
    expect(pulled.sort()).toEqual(
      ['ask0.51', 'ask0.52', 'ask0.53', 'ask0.54', 'ask0.55', 'bid0.45', 'bid0.46', 'bid0.47', 'bid0.48', 'bid0.49'].sort(),
    );
    const { bids, asks } = book.upLevels();
    expect(bids.map(([p]) => p)).toEqual([0.59, 0.58, 0.57, 0.56, 0.55]);
    expect(asks.map(([p]) => p)).toEqual([0.61, 0.62, 0.63, 0.64, 0.65]);
  });

  it('a one-tick move pulls the level beyond the depth, quotes the new touch, and leaves resting sizes alone', () => {
    const book = new MakerBook(INFO, R(), new Rng(12));
    const model = new Model(new Rng(12));
    SIZES.forEach((s, i) => {
      model.bids.set(49 - i, s);
      model.asks.set(51 + i, s);
    });
    collect(book.requote(0.5, 0));
    model.resize(5, (i) => SIZES[i]!);
    // 0.51 ± 0.005: bids 0.50 … 0.46, asks 0.52 … 0.56. 0.49 … 0.46 and 0.52 … 0.55 keep their sizes.
    const out = collect(book.requote(0.51, 200));
    model.bids.delete(45);
    model.bids.set(50, 200);
    model.asks.delete(51);
    model.asks.set(56, 48);
    model.resize(5, (i) => SIZES[i]!);
    expect(book.upLevels()).toEqual(model.levels());
    const delta = out[0];
    if (delta?.event_type !== 'book_delta') throw new Error('expected a delta');
    expect(delta.changes.slice(0, 4)).toEqual([
      { side: 'bid', px: 0.45, size: 0 },
      { side: 'bid', px: 0.5, size: 200 },
      { side: 'ask', px: 0.51, size: 0 },
      { side: 'ask', px: 0.56, size: 48 },
    ]);
    expect(delta.changes.length).toBeLessThanOrEqual(5);
  });

  it('a requote that changes nothing publishes nothing', () => {
    // Sizes of one share: the resize (× 0.5 … 1.5, rounded, at least 1) cannot change them.
    const book = new MakerBook(INFO, R({ depthShares: 1, depthDecay: 1 }), new Rng(13));
    collect(book.requote(0.5, 0));
    for (let k = 1; k <= 5; k++) expect(collect(book.requote(0.5, k * 200))).toEqual([]);
  });

  it('the deltas replay to the book the makers hold, through moves, fills and takes', () => {
    const book = new MakerBook(INFO, R(), new Rng(14));
    const first = collect(book.requote(0.5, 0))[0];
    if (first?.event_type !== 'book_snapshot') throw new Error('expected a snapshot');
    let held = { bids: first.bids, asks: first.asks };
    const steps: [number, () => void][] = [
      [0.51, () => book.onTakerFill('Up', 'buy', 120, 200)],
      [0.49, () => book.take(false, 90, 0.45)],
      [0.5, () => book.take(true, 30, 0.99)],
      [0.52, () => book.onTakerFill('Down', 'buy', 60, 800)],
      [0.47, () => undefined],
    ];
    steps.forEach(([truth, act], k) => {
      act();
      held = applyUp(held, collect(book.flush(k * 200 + 100)));
      expect(held).toEqual(book.upLevels());
      held = applyUp(held, collect(book.requote(truth, k * 200 + 200)));
      expect(held).toEqual(book.upLevels());
    });
  });

  it('after a move up the new best bid is the touch: fills, takes and the resize start from it', () => {
    // A seed whose resize after the move lands on the bids.
    const seed = seedWhere((s) => resizeDraw(s, 1).bid);
    const book = new MakerBook(INFO, R({ impactPerShare: 0 }), new Rng(seed));
    const model = new Model(new Rng(seed));
    SIZES.forEach((sz, i) => {
      model.bids.set(49 - i, sz);
      model.asks.set(51 + i, sz);
    });
    collect(book.requote(0.5, 0));
    model.resize(5, (i) => SIZES[i]!);
    collect(book.requote(0.51, 200));
    model.bids.delete(45);
    model.bids.set(50, 200);
    model.asks.delete(51);
    model.asks.set(56, 48);
    model.resize(5, (i) => SIZES[i]!);
    expect(book.upLevels()).toEqual(model.levels());
    const bid50 = model.bids.get(50)!;
    expect(book.touch().bid).toBe(0.5);
    expect(book.take(false, 1, 0.01)).toEqual([[0.5, 1]]);
    book.onTakerFill('Up', 'sell', 2, 300);
    expect(book.upLevels().bids[0]).toEqual([0.5, bid50 - 3]);
  });

  it('after a move down the new best ask is the touch, and the levels above the depth are pulled', () => {
    const seed = seedWhere((s) => !resizeDraw(s, 1).bid);
    const book = new MakerBook(INFO, R({ impactPerShare: 0 }), new Rng(seed));
    const model = new Model(new Rng(seed));
    SIZES.forEach((sz, i) => {
      model.bids.set(49 - i, sz);
      model.asks.set(51 + i, sz);
    });
    collect(book.requote(0.5, 0));
    model.resize(5, (i) => SIZES[i]!);
    const out = collect(book.requote(0.49, 200));
    // 0.49 ± 0.005: bids 0.48 … 0.44, asks 0.50 … 0.54.
    model.bids.delete(49);
    model.bids.set(44, 48);
    model.asks.delete(55);
    model.asks.set(50, 200);
    model.resize(5, (i) => SIZES[i]!);
    expect(book.upLevels()).toEqual(model.levels());
    const delta = out[0];
    if (delta?.event_type !== 'book_delta') throw new Error('expected a delta');
    expect(delta.changes).toContainEqual({ side: 'ask', px: 0.55, size: 0 });
    expect(book.touch().ask).toBe(0.5);
    expect(book.take(true, 1, 0.99)).toEqual([[0.5, 1]]);
    book.onTakerFill('Up', 'buy', 2, 300);
    expect(book.upLevels().asks[0]).toEqual([0.5, model.asks.get(50)! - 3]);
  });

  it('the mid is clamped to [0, 1]', () => {
    const book = new MakerBook(INFO, R(), new Rng(11));
    expect(book.quoteMid(1.4, 0)).toBe(1);
    expect(book.quoteMid(-0.4, 0)).toBe(0);
    expect(book.quoteMid(0.4, 0)).toBe(0.4);
  });
});

/** A book quoted at 0.5 whose resize (replayed) missed the asks, so the asks are the plain ladder. */
function quotedSeeded(over: Partial<SimRealism> = {}): { book: MakerBook; rng: Rng } {
  for (let seed = 1; ; seed++) {
    const rng = new Rng(seed);
    if (rng.next() < 0.5) {
      rng.next();
      rng.next();
      const book = new MakerBook(INFO, R(over), new Rng(seed));
      collect(book.requote(0.5, 0));
      return { book, rng };
    }
  }
}
const quotedBook = (over: Partial<SimRealism> = {}): MakerBook => quotedSeeded(over).book;

describe('our taker fills and the makers reaction', () => {
  it('buying Up takes the asks from the touch; the consumption publishes at the next flush', () => {
    const book = quotedBook();
    book.onTakerFill('Up', 'buy', 250, 100);
    expect(book.unpublished).toBe(2);
    expect(book.upLevels().asks.slice(0, 2)).toEqual([
      [0.52, 90],
      [0.53, 98],
    ]);
    const out = collect(book.flush(150));
    expect(book.unpublished).toBe(0);
    expect(out).toHaveLength(2);
    expect(out[0]).toMatchObject({ event_type: 'book_delta', token_id: INFO.tokens[0].token_id, ts_unix_ms: 150 });
    expect(out[0]).toMatchObject({
      changes: [
        { side: 'ask', px: 0.51, size: 0 },
        { side: 'ask', px: 0.52, size: 90 },
      ],
    });
    expect(out[1]).toMatchObject({
      token_id: INFO.tokens[1].token_id,
      changes: [
        { side: 'bid', px: 0.49, size: 0 },
        { side: 'bid', px: 0.48, size: 90 },
      ],
    });
    expect(collect(book.flush(200))).toEqual([]);
  });

  it.each([
    ['Up', 'sell', 'bids'],
    ['Down', 'buy', 'bids'],
    ['Down', 'sell', 'asks'],
  ] as const)('%s %s takes the Up %s', (outcome, side, taken) => {
    const book = quotedBook();
    const before = book.upLevels();
    book.onTakerFill(outcome, side, 5, 0);
    const after = book.upLevels();
    const other = taken === 'bids' ? 'asks' : 'bids';
    expect(after[other]).toEqual(before[other]);
    expect(after[taken][0]![1]).toBe(before[taken][0]![1] - 5);
  });

  it('the makers refill and skew toward our side makerReactionMs after the fill, not before', () => {
    const book = quotedBook();
    book.onTakerFill('Up', 'buy', 100, 1_000);
    // 100 shares × 0.0002 = 2 points of skew from t = 1 500.
    collect(book.requote(0.5, 1_499));
    expect(book.quoteMid(0.5, 1_499)).toBe(0.5);
    expect(book.touch().ask).toBe(0.51);
    collect(book.requote(0.5, 1_500));
    expect(book.quoteMid(0.5, 1_500)).toBeCloseTo(0.52, 12);
    expect(book.touch()).toEqual({ bid: 0.51, ask: 0.53 });
    // The skew halves every 30 s.
    expect(book.quoteMid(0.5, 31_500)).toBeCloseTo(0.51, 12);
    expect(book.quoteMid(0.5, 61_500)).toBeCloseTo(0.505, 12);
  });

  it('a reaction applies once: later requotes do not add its skew again', () => {
    const book = quotedBook();
    book.onTakerFill('Up', 'buy', 100, 1_000);
    collect(book.requote(0.5, 1_500));
    collect(book.requote(0.5, 1_600));
    collect(book.requote(0.5, 1_700));
    expect(book.quoteMid(0.5, 31_500)).toBeCloseTo(0.51, 12);
  });

  it('bids we sold into are refilled at the reaction too', () => {
    // A seed whose requote at the reaction resizes an ask, not the bid we took.
    for (let seed = 1; ; seed++) {
      const rng = new Rng(seed);
      const first = [rng.next(), rng.int(0, 4), rng.next()];
      const second = rng.next();
      if (first[0]! < 0.5 || second < 0.5) continue;
      const book = new MakerBook(INFO, R({ impactPerShare: 0 }), new Rng(seed));
      collect(book.requote(0.5, 0));
      book.onTakerFill('Up', 'sell', 150, 0);
      expect(book.upLevels().bids[0]).toEqual([0.49, 50]);
      collect(book.requote(0.5, 500));
      expect(book.upLevels().bids[0]).toEqual([0.49, 200]);
      // Other takers' sells likewise.
      collect(book.flush(1_000));
      expect(book.take(false, 120, 0.49)).toEqual([[0.49, 120]]);
      const replay = new Rng(seed);
      for (let i = 0; i < 6; i++) replay.next();
      const hitsBid = replay.next() < 0.5;
      const i = replay.int(0, 4);
      const f = 0.5 + replay.next();
      collect(book.requote(0.5, 1_500));
      expect(book.upLevels().bids[0]).toEqual([0.49, hitsBid && i === 0 ? Math.max(1, Math.round(200 * f)) : 200]);
      return;
    }
  });

  it('selling Up skews the makers down', () => {
    const book = quotedBook();
    book.onTakerFill('Up', 'sell', 50, 0);
    collect(book.requote(0.5, 500));
    expect(book.quoteMid(0.5, 500)).toBeCloseTo(0.49, 12);
  });

  it('a level we partly consumed stays short until the reaction refills it', () => {
    const { book, rng } = quotedSeeded({ impactPerShare: 0 });
    book.onTakerFill('Up', 'buy', 150, 0);
    collect(book.flush(100));
    const at51 = () => book.upLevels().asks.find(([p]) => p === 0.51)?.[1];
    expect(at51()).toBe(50);
    // Each requote's one resize (replayed) may land on the touch ask: then it sets that size.
    const resized = (base: number) => {
      const bid = rng.next() < 0.5;
      const i = rng.int(0, 4);
      const f = 0.5 + rng.next();
      return !bid && i === 0 ? Math.max(1, Math.round(200 * f)) : base;
    };
    collect(book.requote(0.5, 200));
    expect(at51()).toBe(resized(50));
    collect(book.requote(0.5, 500));
    expect(at51()).toBe(resized(200));
  });

  it('a refill after our fill restores only the levels it consumed', () => {
    // A seed whose first resize thins an ask behind the touch, and whose next resize is on the bids.
    const seed = seedWhere((s) => {
      const a = resizeDraw(s, 0);
      return !a.bid && a.i >= 1 && resizeDraw(s, 1).bid;
    });
    const book = new MakerBook(INFO, R({ impactPerShare: 0 }), new Rng(seed));
    collect(book.requote(0.5, 0));
    const before = book.upLevels().asks;
    book.onTakerFill('Up', 'buy', 10, 0);
    collect(book.requote(0.5, 500));
    expect(book.upLevels().asks).toEqual(before);
  });

  it("when 64 reactions wait, another taker's take is not refilled", () => {
    const { book, rng } = quotedSeeded({ impactPerShare: 0 });
    for (let i = 0; i < 64; i++) book.onTakerFill('Up', 'buy', 1, 0);
    const start = book.upLevels().bids[0]![1];
    expect(book.take(false, 100, 0.49)).toEqual([[0.49, 100]]);
    const bid = rng.next() < 0.5;
    const i = rng.int(0, 4);
    const f = 0.5 + rng.next();
    collect(book.requote(0.5, 500));
    expect(book.upLevels().bids[0]).toEqual([0.49, bid && i === 0 ? Math.max(1, Math.round(200 * f)) : start - 100]);
  });

  it('at most 64 reactions wait at once', () => {
    const book = quotedBook({ impactPerShare: 0.001 });
    for (let i = 0; i < 65; i++) book.onTakerFill('Up', 'buy', 1, 0);
    collect(book.requote(0.5, 500));
    expect(book.quoteMid(0.5, 500)).toBeCloseTo(0.564, 12);
  });

  it('a requote publishes pending consumption before its own changes', () => {
    const book = quotedBook();
    book.onTakerFill('Up', 'buy', 200, 0);
    const out = collect(book.requote(0.5, 100));
    expect(out[0]).toMatchObject({ event_type: 'book_delta', changes: [{ side: 'ask', px: 0.51, size: 0 }] });
    expect(out[1]).toMatchObject({ event_type: 'book_delta', changes: [{ side: 'bid', px: 0.49, size: 0 }] });
  });
});

describe('other takers on the makers book', () => {
  it('a buy matches asks from the touch up to its limit and leaves the rest', () => {
    const book = quotedBook();
    const matched = book.take(true, 400, 0.52);
    expect(matched).toEqual([
      [0.51, 200],
      [0.52, 140],
    ]);
    expect(book.touch().ask).toBe(0.53);
    expect(book.unpublished).toBe(2);
    expect(collect(book.flush(100))[0]).toMatchObject({
      changes: [
        { side: 'ask', px: 0.51, size: 0 },
        { side: 'ask', px: 0.52, size: 0 },
      ],
    });
  });

  it('a sell matches bids down to its limit; a limit past the touch matches nothing', () => {
    const book = quotedBook();
    expect(book.take(false, 10, 0.5)).toEqual([]);
    const bid = book.touch().bid!;
    const m = book.take(false, 10, bid);
    expect(m).toEqual([[bid, 10]]);
    expect(book.take(true, 10, 0.5)).toEqual([]);
  });

  it('a take fills only its size', () => {
    const book = quotedBook();
    expect(book.take(true, 30, 0.99)).toEqual([[0.51, 30]]);
    expect(book.upLevels().asks[0]).toEqual([0.51, 170]);
  });

  it('the makers refill what other takers took at their reaction, with no skew', () => {
    const book = quotedBook();
    collect(book.flush(1_000));
    book.take(true, 100, 0.99);
    collect(book.requote(0.5, 1_499));
    collect(book.requote(0.5, 1_500));
    expect(book.quoteMid(0.5, 1_500)).toBe(0.5);
  });

  it('their refill comes makerReactionMs after the last requote or flush, the time takers take at', () => {
    const { book, rng } = quotedSeeded({ impactPerShare: 0 });
    collect(book.flush(1_000));
    expect(book.take(true, 150, 0.51)).toEqual([[0.51, 150]]);
    const at51 = () => book.upLevels().asks.find(([p]) => p === 0.51)?.[1];
    const resized = (base: number) => {
      const bid = rng.next() < 0.5;
      const i = rng.int(0, 4);
      const f = 0.5 + rng.next();
      return !bid && i === 0 ? Math.max(1, Math.round(200 * f)) : base;
    };
    collect(book.requote(0.5, 1_499));
    const before = resized(50);
    expect(at51()).toBe(before);
    collect(book.requote(0.5, 1_500));
    expect(at51()).toBe(resized(200));
  });

  it('a take that matched nothing schedules no reaction: our fills still get theirs', () => {
    const book = quotedBook({ impactPerShare: 0.001 });
    for (let i = 0; i < 64; i++) expect(book.take(true, 10, 0.3)).toEqual([]);
    book.onTakerFill('Up', 'buy', 10, 0);
    collect(book.requote(0.5, 500));
    expect(book.quoteMid(0.5, 500)).toBeCloseTo(0.51, 12);
  });

  it('an empty book matches nothing and has no touch', () => {
    const book = new MakerBook(INFO, R(), new Rng(1));
    expect(book.touch()).toEqual({ bid: null, ask: null });
    expect(book.take(true, 10, 0.99)).toEqual([]);
    expect(book.unpublished).toBe(0);
  });
});
