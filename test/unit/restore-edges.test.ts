// Goal: a restart rebuilds exactly the account and kill-switch day the dead run had: a sell of
// the whole holding is not "lost rows", fills of orders from before are ignored, a day's loss
// exactly at the limit trips the switch at its first point, and another day's record is not reused.
import { describe, expect, it } from 'vitest';
import { freshAccount, openOrders, rebuildAccount, restoreDay } from '../../src/paper/restore.ts';

const up = { market_id: 'm1', token_id: 'm1-up', outcome: 'Up' as const };

describe('rebuildAccount: selling what is held', () => {
  it('a sell of the whole holding (or within float dust of it) is applied, not counted inconsistent', () => {
    const { account, inconsistent } = rebuildAccount(freshAccount(100), [
      { kind: 'fill', ...up, side: 'buy', qty: 10, fill_px: 0.4, fee: 0 },
      { kind: 'fill', ...up, side: 'sell', qty: 4, fill_px: 0.5, fee: 0 },
      { kind: 'fill', ...up, side: 'sell', qty: 6 + 1e-9, fill_px: 0.5, fee: 0 },
    ]);
    expect(inconsistent).toBe(0);
    expect(account.holdings).toEqual([]);
    expect(account.cash).toBeCloseTo(101, 6);
  });
});

describe('openOrders: events of unknown orders', () => {
  it("a fill or expiry of an order opened before the journal's window is ignored", () => {
    const open = openOrders([
      { event_type: 'paper_fill', intent_id: 'old', qty: 5 },
      { event_type: 'order_expired', intent_id: 'old2' },
      { event_type: 'paper_intent', intent_id: 'i1', market_id: 'm1', token_id: 'm1-up', side: 'buy', qty: 10, tif: 'GTC' },
    ]);
    expect(open).toEqual([
      { intent_id: 'i1', market_id: 'm1', token_id: 'm1-up', side: 'buy', tif: 'GTC', filled_qty: 0, remaining_qty: 10 },
    ]);
  });
});

describe('restoreDay: edges', () => {
  const day = Date.UTC(2026, 0, 2);
  const base = { day_start_ms: day, halts: [], prior: null, daily_loss_limit_usd: 100 };

  it('a loss of exactly the limit trips the switch, at the first such point', () => {
    const equity = [
      { ts_unix_ms: day + 1_000, equity: 1_000 },
      { ts_unix_ms: day + 11_000, equity: 900 },
      { ts_unix_ms: day + 21_000, equity: 850 },
    ];
    expect(restoreDay({ ...base, equity })).toEqual({ day_start_ms: day, start_equity_usd: 1_000, halted_at_ms: day + 11_000 });
  });

  it('a switch the restored run already had tripped keeps its original time', () => {
    const prior = { day_start_ms: day, start_equity_usd: 1_000, halted_at_ms: day + 500 };
    const equity = [{ ts_unix_ms: day + 9_000, equity: 800 }];
    expect(restoreDay({ ...base, prior, equity })?.halted_at_ms).toBe(day + 500);
  });

  it("the restored run's record of an earlier day is not this day's start", () => {
    const prior = { day_start_ms: day - 86_400_000, start_equity_usd: 2_000, halted_at_ms: day - 1_000 };
    const equity = [{ ts_unix_ms: day + 1_000, equity: 1_000 }];
    expect(restoreDay({ ...base, prior, equity })).toEqual({ day_start_ms: day, start_equity_usd: 1_000, halted_at_ms: null });
  });
});
