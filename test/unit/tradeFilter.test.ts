// Goal: the trade filter (in the pure pipeline, before the median) rejects duplicates, out-of-order prints and absurd prices per venue, with bounded memory, and counts each reason.
import { describe, expect, it } from 'vitest';
import type { VenueTrade } from '../../src/core/events.ts';
import { RecentTrades, TradeFilter } from '../../src/pricing/tradeFilter.ts';

const trade = (id: string, px: number, tsMs: number): VenueTrade => ({
  event_type: 'venue_trade',
  venue: 'coinbase',
  symbol: 'BTC-USD',
  px,
  qty: 0.01,
  side: 'buy',
  trade_id: id,
  ts_exchange_ms: tsMs,
  ts_unix_ms: tsMs + 5,
});

describe('RecentTrades', () => {
  it('remembers the trades inside the window, up to its bound', () => {
    const r = new RecentTrades(3);
    r.add('a', 1_000, 0);
    r.add('b', 1_500, 500);
    expect(r.has('a') && r.has('b')).toBe(true);
    r.add('c', 2_600, 1_600); // the window now starts at 1 600: a and b are forgotten
    expect([r.has('a'), r.has('b'), r.has('c'), r.size]).toEqual([false, false, true, 1]);
    for (const id of ['d', 'e', 'f']) r.add(id, 2_600, 1_600);
    expect([r.has('c'), r.has('d'), r.size]).toEqual([false, true, 3]); // the bound forgets the oldest
  });
});

describe('RecentTrades over many trades', () => {
  it('keeps exactly the window and the bound as it compacts', () => {
    const windowed = new RecentTrades(1_000);
    for (let i = 0; i < 300; i++) windowed.add(`t${i}`, i, i - 10);
    expect([windowed.has('t299'), windowed.has('t289'), windowed.has('t288'), windowed.has('t0'), windowed.size]).toEqual([
      true,
      true,
      false,
      false,
      11,
    ]);
    const bounded = new RecentTrades(3);
    for (let i = 0; i < 300; i++) bounded.add(`b${i}`, 1_000, 0);
    expect([bounded.has('b299'), bounded.has('b297'), bounded.has('b296'), bounded.has('b0'), bounded.size]).toEqual([
      true,
      true,
      false,
      false,
      3,
    ]);
  });
});

describe('RecentTrades memory over a long run', () => {
  // A venue printing for days must cost the memory of its window, not of every trade it ever sent.
  it('holds at most a few hundred slots after 100 000 trades, for a window of 11 trades and for one of 201', () => {
    for (const [stepMs, live] of [
      [100, 11],
      [5, 201],
    ] as const) {
      const r = new RecentTrades(4_096);
      let most = 0;
      for (let i = 0; i < 100_000; i++) {
        r.add(`t${i}`, i * stepMs, i * stepMs - 1_000);
        most = Math.max(most, r.slots);
      }
      expect(r.size).toBe(live);
      expect(r.has('t99999') && r.has(`t${100_000 - live}`) && !r.has(`t${99_999 - live}`)).toBe(true);
      expect(most).toBeLessThanOrEqual(2 * Math.max(live, 64) + 2);
    }
  });
});

describe('TradeFilter', () => {
  it('accepts normal prints and names the reason for each rejected one', () => {
    let ref: number | null = null;
    const f = new TradeFilter();
    const g = { check: (t: VenueTrade) => f.check(t, ref) };
    expect(g.check(trade('1', 64_000, 10_000))).toBeNull();
    expect(g.check(trade('1', 64_000, 10_000))?.reason).toBe('duplicate');
    expect(g.check(trade('2', 64_000, 8_999))?.reason).toBe('out_of_order');
    expect(g.check(trade('3', 64_000, 9_500))).toBeNull(); // within the 1 s tolerance
    expect(g.check(trade('4', 999, 10_001))?.reason).toBe('absurd_px');
    expect(g.check(trade('5', 10_000_001, 10_001))?.reason).toBe('absurd_px');
    expect(g.check(trade('6', 75_000, 10_001))).toBeNull(); // no reference yet: only the hard band applies
    ref = 64_000;
    expect(g.check(trade('7', 70_500, 10_002))?.detail).toMatch(/10\.2% from reference 64000/);
    expect(g.check(trade('8', 57_500, 10_002))?.reason).toBe('absurd_px');
    expect(g.check(trade('9', 70_000, 10_002))).toBeNull();
    expect(f.rejectedBy('coinbase')).toEqual({ duplicate: 1, out_of_order: 1, absurd_px: 4 });
    expect(f.rejectedBy('kraken')).toEqual({ duplicate: 0, out_of_order: 0, absurd_px: 0 });
  });

  it("keeps each venue's memory apart: the same id or an older time on another venue is fine", () => {
    const f = new TradeFilter();
    expect(f.check(trade('1', 64_000, 10_000), null)).toBeNull();
    expect(f.check({ ...trade('1', 64_000, 5_000), venue: 'kraken' }, null)).toBeNull();
  });

  it('does not let a rejected print burn its trade id', () => {
    const f = new TradeFilter();
    expect(f.check(trade('1', 90_000, 10_000), 64_000)?.reason).toBe('absurd_px');
    expect(f.check(trade('1', 64_000, 10_000), 64_000)).toBeNull();
  });

  it('catches a resent trade after newer ones inside the window, and calls one older than the window out of order', () => {
    const f = new TradeFilter();
    for (let i = 0; i < 50; i++) expect(f.check(trade(String(i), 64_000, 10_000 + i * 10), null)).toBeNull();
    expect(f.check(trade('45', 64_000, 10_450), null)?.reason).toBe('duplicate');
    expect(f.check(trade('3', 64_000, 10_030), null)?.reason).toBe('duplicate');
    expect(f.check(trade('0', 64_000, 10_000), null)?.reason).toBe('duplicate');
    for (let i = 50; i < 200; i++) f.check(trade(String(i), 64_000, 10_000 + i * 10), null);
    expect(f.check(trade('0', 64_000, 10_000), null)?.reason).toBe('out_of_order');
  });

  it('refuses a trade id seen within the window even when it comes back with another time', () => {
    const f = new TradeFilter();
    expect(f.check(trade('7', 64_000, 10_000), null)).toBeNull();
    expect(f.check(trade('8', 64_000, 10_200), null)).toBeNull();
    expect(f.check(trade('7', 64_000, 10_100), null)?.reason).toBe('duplicate');
  });

  it('says why in the detail: the band, the distance from the reference, how far behind, the id', () => {
    const f = new TradeFilter();
    expect(f.check(trade('1', 999, 10_000), null)).toEqual({ reason: 'absurd_px', detail: 'px 999 outside [1000, 10000000]' });
    expect(f.check(trade('2', 80_000, 10_000), 64_000)).toEqual({ reason: 'absurd_px', detail: 'px 80000 is 25.0% from reference 64000' });
    expect(f.check(trade('3', 64_000, 10_000), 64_000)).toBeNull();
    expect(f.check(trade('4', 64_000, 8_000), null)).toEqual({
      reason: 'out_of_order',
      detail: 'exchange time 8000 is 2000 ms before the last accepted trade',
    });
    expect(f.check(trade('3', 64_000, 10_000), null)).toEqual({ reason: 'duplicate', detail: 'trade_id 3 seen before' });
  });

  it('judges no price against a reference of zero', () => {
    expect(new TradeFilter().check(trade('1', 64_000, 1_000), 0)).toBeNull();
  });

  it('a trade strictly newer than every accepted one is new, even with a trade_id seen before', () => {
    const f = new TradeFilter();
    expect(f.check(trade('7', 64_000, 1_000), null)).toBeNull();
    expect(f.check(trade('7', 64_000, 1_001), null)).toBeNull();
  });

  it('remembers a trade exactly one tolerance older than the newest, so its resend is a duplicate', () => {
    const f = new TradeFilter();
    expect(f.check(trade('a', 64_000, 9_000), null)).toBeNull();
    expect(f.check(trade('b', 64_000, 10_000), null)).toBeNull();
    expect(f.check(trade('a', 64_000, 9_000), null)?.reason).toBe('duplicate');
  });
});
