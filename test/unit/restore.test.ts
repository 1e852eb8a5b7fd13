// Goal: the pure crash-recovery pieces rebuild an account exactly as the portfolio made it, find the orders left working, and recover the kill switch's day from the evidence a run journaled.
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.ts';
import { Portfolio } from '../../src/paper/portfolio.ts';
import { freshAccount, openOrders, rebuildAccount, restoreDay, restoredEvents, type AccountEvent } from '../../src/paper/restore.ts';

const up = { market_id: 'm1', token_id: 'm1-up', outcome: 'Up' as const };
const down = { market_id: 'm1', token_id: 'm1-down', outcome: 'Down' as const };
const other = { market_id: 'm2', token_id: 'm2-up', outcome: 'Up' as const };

describe('rebuildAccount', () => {
  it('gives the same cash, realized PnL, fees and holdings as the portfolio that made the fills', () => {
    const events: AccountEvent[] = [
      { kind: 'fill', ...up, side: 'buy', qty: 20, fill_px: 0.43, fee: 0.35 },
      { kind: 'fill', ...down, side: 'buy', qty: 10, fill_px: 0.55, fee: 0.2 },
      { kind: 'fill', ...other, side: 'buy', qty: 7, fill_px: 0.31, fee: 0.11 },
      { kind: 'fill', ...up, side: 'sell', qty: 5, fill_px: 0.51, fee: 0.09 },
      { kind: 'settlement', market_id: 'm1', winning_token_id: 'm1-up', pnl_adjustment: null },
    ];
    const p = new Portfolio(1_000);
    p.apply(up, 'buy', 20, 0.43, 0.35);
    p.apply(down, 'buy', 10, 0.55, 0.2);
    p.apply(other, 'buy', 7, 0.31, 0.11);
    p.apply(up, 'sell', 5, 0.51, 0.09);
    p.settle('m1', 'm1-up');
    const { account, inconsistent } = rebuildAccount(freshAccount(1_000), events);
    expect(inconsistent).toBe(0);
    expect(account).toEqual({ cash: p.cash, realized: p.realized, fees: p.fees, rebates: 0, holdings: [...p.holdings.values()] });
    expect(account.holdings).toEqual([{ ...other, qty: 7, avg_cost: 0.31 }]);
  });

  it('applies a correction by its journaled adjustment and skips a sell the account cannot cover', () => {
    const { account, inconsistent } = rebuildAccount({ cash: 100, realized: 5, fees: 1, holdings: [] }, [
      { kind: 'settlement', market_id: 'm9', winning_token_id: 'x', pnl_adjustment: -12.5 },
      { kind: 'fill', ...up, side: 'sell', qty: 3, fill_px: 0.5, fee: 0 },
    ]);
    expect(inconsistent).toBe(1);
    expect(account).toEqual({ cash: 87.5, realized: -7.5, fees: 1, rebates: 0, holdings: [] });
  });

  it('credits a maker fill its journaled rebate, as the portfolio did', () => {
    const p = new Portfolio(1_000);
    p.apply(up, 'buy', 20, 0.43, 0);
    p.rebate(0.07);
    const { account } = rebuildAccount(freshAccount(1_000), [
      { kind: 'fill', ...up, side: 'buy', qty: 20, fill_px: 0.43, fee: 0, rebate: 0.07 },
    ]);
    expect(account).toMatchObject({ cash: p.cash, realized: p.realized, rebates: 0.07 });
    expect(account.cash).toBeCloseTo(1_000 - 20 * 0.43 + 0.07, 12);
  });
});

describe('openOrders', () => {
  it('keeps intents not filled in full, expired or rejected, with what they filled', () => {
    const intent = (id: string, qty: number) => ({
      event_type: 'paper_intent' as const,
      intent_id: id,
      market_id: 'm1',
      token_id: 'm1-up',
      side: 'buy' as const,
      qty,
      tif: 'GTC' as const,
    });
    const open = openOrders([
      intent('i1', 20),
      intent('i2', 20),
      intent('i3', 20),
      intent('i4', 20),
      intent('i5', 20),
      { event_type: 'paper_fill', intent_id: 'i1', qty: 20 },
      { event_type: 'paper_fill', intent_id: 'i2', qty: 5 },
      { event_type: 'order_expired', intent_id: 'i3' },
      { event_type: 'risk_reject', intent_id: 'i4' },
      { event_type: 'risk_reject', intent_id: null },
    ]);
    expect(open.map((o) => [o.intent_id, o.filled_qty, o.remaining_qty])).toEqual([
      ['i2', 5, 15],
      ['i5', 0, 20],
    ]);
  });
});

describe('restoreDay', () => {
  const day = Date.UTC(2026, 0, 2);
  const base = { day_start_ms: day, halts: [], prior: null, daily_loss_limit_usd: 100 };

  it('takes the exact start equity and halt time from a daily_loss_limit reject', () => {
    expect(
      restoreDay({
        ...base,
        equity: [{ ts_unix_ms: day + 5_000, equity: 990 }],
        halts: [{ day_start_equity: 1_000, halted_at_ms: day + 60_000 }],
      }),
    ).toEqual({ day_start_ms: day, start_equity_usd: 1_000, halted_at_ms: day + 60_000 });
  });

  it('otherwise starts the day at its first equity point and trips on a point the limit below it', () => {
    const equity = [
      { ts_unix_ms: day + 1_000, equity: 1_000 },
      { ts_unix_ms: day + 11_000, equity: 950 },
      { ts_unix_ms: day + 21_000, equity: 899 },
      { ts_unix_ms: day + 31_000, equity: 990 },
    ];
    expect(restoreDay({ ...base, equity })).toEqual({ day_start_ms: day, start_equity_usd: 1_000, halted_at_ms: day + 21_000 });
    expect(restoreDay({ ...base, equity: equity.slice(0, 2) })).toEqual({ day_start_ms: day, start_equity_usd: 1_000, halted_at_ms: null });
  });

  it('keeps the day a restored run inherited, and has none without evidence', () => {
    const prior = { day_start_ms: day, start_equity_usd: 1_200, halted_at_ms: null };
    expect(restoreDay({ ...base, prior, equity: [{ ts_unix_ms: day + 1, equity: 1_050 }] })).toEqual({
      day_start_ms: day,
      start_equity_usd: 1_200,
      halted_at_ms: day + 1,
    });
    expect(restoreDay({ ...base, equity: [] })).toBeNull();
  });
});

describe('restoredEvents', () => {
  it('says which orders the restart cancelled (ids of the dead run) and which positions it took over', () => {
    const events = restoredEvents(
      {
        from_run_id: 'sim-7',
        last_ts_ms: 5,
        cash: 90,
        realized: 0,
        fees: 0,
        day: null,
        holdings: [{ ...other, qty: 7, avg_cost: 0.31 }],
        cancelled_orders: [
          { intent_id: 'i9', market_id: 'm2', token_id: 'm2-up', side: 'buy', tif: 'GTC', filled_qty: 2, remaining_qty: 18 },
        ],
      },
      1_000,
    );
    expect(events).toEqual([
      {
        event_type: 'order_expired',
        intent_id: 'sim-7/i9',
        market_id: 'm2',
        token_id: 'm2-up',
        side: 'buy',
        tif: 'GTC',
        reason: 'restart',
        filled_qty: 2,
        remaining_qty: 18,
        ts_unix_ms: 1_000,
      },
      { event_type: 'position', ...other, qty: 7, avg_cost: 0.31, ts_unix_ms: 1_000 },
    ]);
  });
});

describe('an engine restored from a dead run', () => {
  it('trades on the recovered cash, realized PnL and fees, not its starting equity', () => {
    const engine = new Engine({
      runId: 'sim-7.2',
      mode: 'sim',
      seed: 7,
      strategy: { name: 'idle', evaluate: () => [] },
      median: { stalenessMs: 2_000, outlierBps: 200, minVenues: 1 },
      vol: { halfLifeMs: 60_000, floorAnnual: 0.5 },
      equityUsd: 10_000,
      riskMaxMarketFraction: 0.1,
      latencyMs: 0,
      slippageBps: 0,
      restore: {
        from_run_id: 'sim-7',
        last_ts_ms: 1_000,
        cash: 9_123.45,
        realized: -61.2,
        fees: 4.75,
        day: null,
        holdings: [{ ...other, qty: 7, avg_cost: 0.31 }],
        cancelled_orders: [],
      },
    });
    expect(engine.portfolio.cash).toBe(9_123.45);
    engine.start(2_000);
    const pnl = engine.stop(3_000).find((e) => e.event_type === 'pnl');
    // The held market has no book here, so its shares are marked at nothing: equity is the cash.
    expect(pnl).toEqual({
      event_type: 'pnl',
      cash: 9_123.45,
      equity: 9_123.45,
      realized: -61.2,
      unrealized: 7 * (0 - 0.31),
      fees: 4.75,
      position_value: 0,
      ts_unix_ms: 3_000,
    });
    expect(engine.portfolio.held(other.token_id)).toBe(7);
  });
});
