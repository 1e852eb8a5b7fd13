// Goal: the noisy profile's books, driven directly: the ladder sits on the 0.01 grid strictly
// inside (0, 1) around the fair value plus the crowd error (replayed from the same stream),
// at least `spread` wide, `depthLevels` deep, sizes between 10 and `depthShares`; at the
// clamps (0.02 and 0.98) the ladder stops at the price range; takers consume levels; the
// Down book mirrors the Up book.
import { describe, expect, it } from 'vitest';
import type { InputEvent, Level, MarketInfo } from '../../src/core/events.ts';
import { Rng } from '../../src/core/rng.ts';
import { fairValueUp } from '../../src/pricing/fairValue.ts';
import { NoisyBook } from '../../src/sim/noisyBook.ts';
import { simRealism, type SimRealism } from '../../src/sim/profile.ts';
import { SimFeed } from '../../src/sim/sim.ts';

function market(): MarketInfo {
  for (const e of new SimFeed({ seed: 1, market: 'noisy' }).events()) if (e.event_type === 'market_discovered') return e.market;
  throw new Error('unreachable');
}
const INFO = market();
const NOW = INFO.window_start_ms + 60_000;
const R = (over: Partial<SimRealism> = {}): SimRealism => simRealism('noisy', over);

function snapshots(out: InputEvent[]) {
  const [up, down] = out;
  if (up?.event_type !== 'book_snapshot' || down?.event_type !== 'book_snapshot') throw new Error('expected two snapshots');
  return { up, down };
}

/** A seed whose first crowd error (0.06 × its first normal draw) is smaller than `max`. */
function seedWithSmallError(max: number): number {
  for (let seed = 1; ; seed++) if (Math.abs(0.06 * new Rng(seed).normal()) < max) return seed;
}

const ticks = (ls: Level[]) => ls.map(([p]) => Math.round(p * 100));

describe('the noisy books', () => {
  it('quote around fair value plus the crowd error, on the grid, at least the spread wide', () => {
    for (const spread of [0.01, 0.05]) {
      for (let seed = 1; seed <= 20; seed++) {
        const book = new NoisyBook(INFO, R({ spread }), new Rng(seed));
        const out = [...book.requote(64_100, 64_000, NOW)];
        const { up } = snapshots(out);
        const fair = fairValueUp(64_100, 64_000, INFO.window_end_ms - NOW, R().volAnnual);
        const p = Math.min(0.98, Math.max(0.02, fair + 0.06 * new Rng(seed).normal()));
        const bid = up.bids[0]![0];
        const ask = up.asks[0]![0];
        expect(bid).toBeLessThanOrEqual(p - spread / 2 + 1e-9);
        expect(ask).toBeGreaterThanOrEqual(p + spread / 2 - 1e-9);
        expect(ask - bid).toBeLessThan(spread + 0.02 + 1e-9);
        expect(book.touch()).toEqual({ bid, ask });
        for (const [px] of [...up.bids, ...up.asks]) {
          expect(px).toBeGreaterThan(0);
          expect(px).toBeLessThan(1);
          expect(Math.abs(px * 100 - Math.round(px * 100))).toBeLessThan(1e-9);
        }
        // Contiguous ticks outward from the touch.
        const b = ticks(up.bids);
        const a = ticks(up.asks);
        b.forEach((t, i) => expect(t).toBe(b[0]! - i));
        a.forEach((t, i) => expect(t).toBe(a[0]! + i));
      }
    }
  });

  it('the snapshots carry both tokens at the requote time, the Down book the mirror', () => {
    const book = new NoisyBook(INFO, R(), new Rng(3));
    const { up, down } = snapshots([...book.requote(64_000, 64_000, NOW)]);
    expect(up).toMatchObject({ market_id: INFO.market_id, token_id: INFO.tokens[0].token_id, ts_unix_ms: NOW, ts_exchange_ms: NOW });
    expect(down).toMatchObject({ market_id: INFO.market_id, token_id: INFO.tokens[1].token_id, ts_unix_ms: NOW, ts_exchange_ms: NOW });
    const mirror = (ls: Level[]) => ls.map(([p, s]) => [Math.round((1 - p) * 100) / 100, s]);
    expect(down.bids).toEqual(mirror(up.asks));
    expect(down.asks).toEqual(mirror(up.bids));
  });

  it('depthLevels levels a side, sizes from 10 to depthShares drawn from the stream', () => {
    const book = new NoisyBook(INFO, R({ depthLevels: 3, depthShares: 40 }), new Rng(4));
    const { up } = snapshots([...book.requote(64_000, 64_000, NOW)]);
    expect(up.bids).toHaveLength(3);
    expect(up.asks).toHaveLength(3);
    const rng = new Rng(4);
    rng.normal();
    const want = [0, 1, 2].flatMap(() => [rng.int(10, 40), rng.int(10, 40)]);
    expect(up.bids.map(([, s], i) => [s, up.asks[i]![1]]).flat()).toEqual(want);
    const fixed = new NoisyBook(INFO, R({ depthShares: 10 }), new Rng(4));
    const f = snapshots([...fixed.requote(64_000, 64_000, NOW)]).up;
    expect([...f.bids, ...f.asks].every(([, s]) => s === 10)).toBe(true);
  });

  it('a sure Up is clamped to 0.98: bids 0.97 down, one ask at 0.99', () => {
    const seed = seedWithSmallError(0.02);
    const book = new NoisyBook(INFO, R(), new Rng(seed));
    const { up } = snapshots([...book.requote(90_000, 64_000, NOW)]);
    expect(ticks(up.bids)).toEqual([97, 96, 95, 94, 93]);
    expect(ticks(up.asks)).toEqual([99]);
  });

  it('a sure Down is clamped to 0.02: one bid at 0.01, asks 0.03 up', () => {
    const seed = seedWithSmallError(0.02);
    const book = new NoisyBook(INFO, R(), new Rng(seed));
    const { up } = snapshots([...book.requote(40_000, 64_000, NOW)]);
    expect(ticks(up.bids)).toEqual([1]);
    expect(ticks(up.asks)).toEqual([3, 4, 5, 6, 7]);
  });

  it('with no spread the ask still sits one tick above the bid, even on a whole-tick price', () => {
    const seed = seedWithSmallError(0.02);
    const book = new NoisyBook(INFO, R({ spread: 0 }), new Rng(seed));
    const { up } = snapshots([...book.requote(40_000, 64_000, NOW)]);
    // Clamped to exactly 0.02: bid 0.02, ask 0.03.
    expect(ticks(up.bids)).toEqual([2, 1]);
    expect(ticks(up.asks)).toEqual([3, 4, 5, 6, 7]);
  });

  it('a spread wider than the room left still keeps both sides inside (0, 1)', () => {
    const seed = seedWithSmallError(0.02);
    const book = new NoisyBook(INFO, R({ spread: 0.1 }), new Rng(seed));
    const { up } = snapshots([...book.requote(90_000, 64_000, NOW)]);
    // 0.98 ± 0.05: bid 0.93, ask capped at 0.99.
    expect(ticks(up.bids)[0]).toBe(93);
    expect(ticks(up.asks)).toEqual([99]);
    const low = new NoisyBook(INFO, R({ spread: 0.1 }), new Rng(seed));
    const l = snapshots([...low.requote(40_000, 64_000, NOW)]).up;
    expect(ticks(l.bids)).toEqual([1]);
    expect(ticks(l.asks)[0]).toBe(7);
  });

  it('the crowd error is mean-reverting: it carries over between requotes at 0.9 a step', () => {
    const book = new NoisyBook(INFO, R({ spread: 0 }), new Rng(5));
    const rng = new Rng(5);
    const fair = fairValueUp(64_000, 64_000, INFO.window_end_ms - NOW, R().volAnnual);
    let err = 0;
    for (let k = 0; k < 20; k++) {
      err = 0.9 * err + 0.06 * rng.normal();
      for (let i = 0; i < 10; i++) rng.next();
      const { up } = snapshots([...book.requote(64_000, 64_000, NOW)]);
      const p = Math.min(0.98, Math.max(0.02, fair + err));
      expect(up.bids[0]![0]).toBeCloseTo(Math.max(1, Math.floor(p * 100)) / 100, 9);
    }
  });
});

describe('takers on the noisy book', () => {
  it('nothing to take before the first snapshot', () => {
    const book = new NoisyBook(INFO, R(), new Rng(6));
    expect(book.touch()).toEqual({ bid: null, ask: null });
    expect(book.take(true, 10, 0.99)).toEqual([]);
  });

  it('a buy sweeps asks up to its limit, takes only its size, and what it took is gone', () => {
    const book = new NoisyBook(INFO, R(), new Rng(7));
    const { up } = snapshots([...book.requote(64_000, 64_000, NOW)]);
    const [a0, a1] = up.asks;
    const m = book.take(true, a0![1] + 1, a1![0]);
    expect(m).toEqual([
      [a0![0], a0![1]],
      [a1![0], 1],
    ]);
    // The published snapshot is not changed by takes.
    expect(up.asks[0]![1]).toBe(a0![1]);
    // The emptied level is skipped; the limit stops the sweep.
    expect(book.take(true, 1_000, a1![0])).toEqual([[a1![0], a1![1] - 1]]);
    expect(book.take(true, 1_000, a1![0])).toEqual([]);
    expect(book.take(true, 0, 0.99)).toEqual([]);
  });

  it('a sell sweeps bids down to its limit', () => {
    const book = new NoisyBook(INFO, R(), new Rng(8));
    const { up } = snapshots([...book.requote(64_000, 64_000, NOW)]);
    const [b0, b1, b2] = up.bids;
    expect(book.take(false, 5, b0![0] + 0.01)).toEqual([]);
    expect(book.take(false, 10_000, b1![0])).toEqual([
      [b0![0], b0![1]],
      [b1![0], b1![1]],
    ]);
    expect(book.take(false, 3, 0.01)).toEqual([[b2![0], 3]]);
  });
});
