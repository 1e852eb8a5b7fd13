// Goal: a journal outage stops new risk from its first moment; a restarted run takes over the crashed run's UTC day (its start equity and its kill-switch halt), and a first order is never held back by a cooldown, whatever the clock reads.
import { describe, expect, it } from 'vitest';
import { RiskState, type OrderRequest, type RiskContext } from '../../src/strategy/risk.ts';

const DAY_START = Date.UTC(2026, 0, 1);
const BUY: OrderRequest = { market_id: 'm1', side: 'buy', qty: 20, limit_px: 0.5 };

function ctx(over: Partial<RiskContext> = {}): RiskContext {
  return {
    ts_unix_ms: DAY_START + 3_600_000,
    equity_usd: 10_000,
    market_exposure_usd: 0,
    total_exposure_usd: 0,
    open_market_ids: new Set(),
    median_age_ms: 0,
    median_venues: 6,
    book_age_ms: 500,
    best_bid: 0.49,
    best_ask: 0.5,
    time_left_ms: 600_000,
    ...over,
  };
}

describe('risk state across a restart', () => {
  it('keeps the crashed run’s kill-switch halt for the rest of its UTC day', () => {
    const r = new RiskState(10_000, 0.02, { dailyLossLimitUsd: 500 });
    r.restoreDay({ day_start_ms: DAY_START, start_equity_usd: 10_600, halted_at_ms: DAY_START + 1_000 });
    expect(r.halted()).toBe(true);
    expect(r.check(BUY, ctx())).toEqual({
      ok: false,
      reason: 'daily_loss_limit',
      numbers: {
        day_start_ms: DAY_START,
        day_start_equity: 10_600,
        equity: 10_000,
        day_pnl: -600,
        limit: 500,
        halted_at_ms: DAY_START + 1_000,
      },
    });
  });

  it('measures the day’s loss from the crashed run’s start equity, not from the restart', () => {
    const r = new RiskState(10_000, 0.02, { dailyLossLimitUsd: 500 });
    r.restoreDay({ day_start_ms: DAY_START, start_equity_usd: 10_400, halted_at_ms: null });
    expect(r.halted()).toBe(false);
    // 10 400 − 9 900 = 500: the limit is reached, though the restart began at 10 000.
    expect(r.check(BUY, ctx({ equity_usd: 9_900 }))).toMatchObject({ ok: false, reason: 'daily_loss_limit' });
    expect(r.halted()).toBe(true);
  });
});

describe('cooldown', () => {
  it('never holds back a first order, even on a clock that starts near zero', () => {
    const r = new RiskState(10_000, 0.02, { cooldownMs: 5_000 });
    expect(r.check(BUY, ctx({ ts_unix_ms: 1_000 }))).toEqual({ ok: true });
  });
});

describe('journal loss', () => {
  it('refuses every new buy from the first journal outage on, with that time, and still lets sells out', () => {
    const r = new RiskState(10_000, 0.02);
    expect(r.check(BUY, ctx())).toEqual({ ok: true });
    r.haltNewRisk(DAY_START + 5_000);
    r.haltNewRisk(DAY_START + 9_000);
    expect(r.check(BUY, ctx())).toEqual({ ok: false, reason: 'journal_unavailable', numbers: { halted_at_ms: DAY_START + 5_000 } });
    expect(r.check({ ...BUY, side: 'sell' }, ctx())).toEqual({ ok: true });
  });
});
