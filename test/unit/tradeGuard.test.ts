// Goal: the per-venue trade guard rejects duplicates, out-of-order prints and absurd prices with bounded memory, and bad-input logging is throttled per burst.
import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import type { VenueTrade } from '../../src/core/events.ts';
import { BurstLog, DEFAULT_GUARDS, RecentIds, TradeGuard } from '../../src/feeds/tradeGuard.ts';

const trade = (id: string, px: number, tsMs: number): VenueTrade => ({ event_type: 'venue_trade', venue: 'coinbase', symbol: 'BTC-USD', px, qty: 0.01, side: 'buy', trade_id: id, ts_exchange_ms: tsMs, ts_unix_ms: tsMs + 5 });

describe('RecentIds', () => {
  it('remembers exactly the last max ids', () => {
    const ids = new RecentIds(3);
    expect(['a', 'b', 'c'].map((x) => ids.add(x))).toEqual([true, true, true]);
    expect(ids.add('a')).toBe(false);
    expect(ids.add('d')).toBe(true); // evicts a
    expect(ids.size).toBe(3);
    expect(ids.add('a')).toBe(true);
    expect(ids.add('c')).toBe(false);
  });
});

describe('TradeGuard', () => {
  it('accepts normal prints and names the reason for each rejected one', () => {
    let ref: number | null = null;
    const g = new TradeGuard(DEFAULT_GUARDS, () => ref);
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
  });

  it('does not let a rejected print burn its trade id', () => {
    const g = new TradeGuard(DEFAULT_GUARDS, () => 64_000);
    expect(g.check(trade('1', 90_000, 10_000))?.reason).toBe('absurd_px');
    expect(g.check(trade('1', 64_000, 10_000))).toBeNull();
  });
});

describe('BurstLog', () => {
  it('logs the first bad frame, then one summary per interval', () => {
    const lines: string[] = [];
    let now = 0;
    const b = new BurstLog(pino({}, { write: (s: string) => void lines.push(s) }), 'kraken: bad frame', 10_000, () => now);
    b.note('malformed JSON');
    for (let i = 0; i < 50; i++) b.note('malformed JSON');
    b.flush();
    expect(lines).toHaveLength(1);
    now = 10_000;
    b.flush();
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[1]!)).toMatchObject({ suppressed: 50, msg: 'kraken: bad frame: 50 more in the last 10 s (latest: malformed JSON)' });
    now = 25_000;
    b.note('bad price');
    expect(JSON.parse(lines[2]!)).toMatchObject({ suppressed: 0, msg: 'kraken: bad frame: bad price' });
  });
});
