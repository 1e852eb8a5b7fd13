// Goal: the run summary counts trades, win rate, edge paid against the mid, max drawdown and reject episodes with their occurrences from the output stream alone, and says which sim market produced them.
import { describe, expect, it } from 'vitest';
import type { OutputEvent } from '../../src/core/outputs.ts';
import { formatSummary, SummarySink } from '../../src/app/runSummary.ts';

const T = 1_767_225_600_000;
const quote = (token: string, bid: number, ask: number, ts: number): OutputEvent => ({
  event_type: 'quote',
  market_id: token.split('-')[0]!,
  token_id: token,
  outcome: token.endsWith('up') ? 'Up' : 'Down',
  best_bid: bid,
  best_ask: ask,
  mid: (bid + ask) / 2,
  bid_depth: 100,
  ask_depth: 100,
  ts_unix_ms: ts,
});
const fill = (token: string, side: 'buy' | 'sell', qty: number, px: number, fee: number, ts: number): OutputEvent => ({
  event_type: 'paper_fill',
  fill_id: `f${ts}`,
  intent_id: `i${ts}`,
  market_id: token.split('-')[0]!,
  token_id: token,
  outcome: token.endsWith('up') ? 'Up' : 'Down',
  side,
  qty,
  fill_px: px,
  fee,
  liquidity: 'taker',
  requested_qty: qty,
  levels_consumed: 1,
  ts_unix_ms: ts,
});
const pnl = (equity: number, ts: number): OutputEvent => ({
  event_type: 'pnl',
  cash: equity,
  equity,
  realized: equity - 1_000,
  unrealized: 0,
  fees: 0.5,
  ts_unix_ms: ts,
});
const settle = (market: string, winner: string, ts: number): OutputEvent => ({
  event_type: 'settlement',
  market_id: market,
  winning_token_id: winner,
  winning_outcome: winner.endsWith('up') ? 'Up' : 'Down',
  source: 'official',
  payout: 0,
  realized_pnl: 0,
  ts_unix_ms: ts,
});

function stream(): OutputEvent[] {
  return [
    { event_type: 'run_started', run_id: 'sim-1', mode: 'sim', seed: 1, strategy: 'x', ts_unix_ms: T },
    pnl(1_000, T),
    // m1: buy 10 Up at 0.51 (mid 0.50, fee 0.1), sell them at 0.60 (mid 0.605, fee 0.1): a win of 0.7.
    quote('m1-up', 0.49, 0.51, T + 1),
    fill('m1-up', 'buy', 10, 0.51, 0.1, T + 2),
    quote('m1-up', 0.6, 0.61, T + 3),
    fill('m1-up', 'sell', 10, 0.6, 0.1, T + 4),
    pnl(1_020, T + 5),
    // m2: buy 20 Down at 0.40 (mid 0.395, fee 0.2); Up wins: a loss of 8.2.
    quote('m2-down', 0.39, 0.4, T + 6),
    fill('m2-down', 'buy', 20, 0.4, 0.2, T + 7),
    pnl(990, T + 8),
    settle('m2', 'm2-up', T + 9),
    pnl(1_005, T + 10),
    // A cooldown refused three times (one episode), a fill-time refusal, and the stand-down notice.
    { event_type: 'risk_reject', reason: 'cooldown', market_id: 'm1', intent_id: 'i9', numbers: {}, episode_id: 'e1', ts_unix_ms: T + 11 },
    { event_type: 'risk_reject', reason: 'no_liquidity_within_limit', market_id: 'm1', intent_id: 'i10', numbers: {}, ts_unix_ms: T + 12 },
    {
      event_type: 'reject_episode_ended',
      episode_id: 'e1',
      reason: 'cooldown',
      market_id: 'm1',
      occurrences: 3,
      first_ts_ms: T + 11,
      last_ts_ms: T + 13,
      last_numbers: {},
      ts_unix_ms: T + 14,
    },
  ];
}

describe('SummarySink', () => {
  it('counts closed trades and their win rate, the edge paid per share against the mid, and the max drawdown', () => {
    const sink = new SummarySink({ simMarket: 'efficient' });
    for (const e of stream()) sink.sink(e);
    const s = sink.summary(42);
    expect(s).toMatchObject({ trades: 2, wins: 1, win_rate: 0.5, fills: 3, max_drawdown: 30, sim_market: 'efficient' });
    // (0.01 × 10 + 0.1) + (0.005 × 10 + 0.1) + (0.005 × 20 + 0.2) = 0.65 over 40 shares.
    expect(s.avg_edge_paid).toBeCloseTo(0.65 / 40, 12);
    expect(s.max_drawdown_frac).toBeCloseTo(30 / 1_020, 12);
    expect(s).toMatchObject({
      rejects: 2,
      reject_occurrences: 4,
      rejects_by_reason: { cooldown: 1, no_liquidity_within_limit: 1 },
      reject_occurrences_by_reason: { cooldown: 3, no_liquidity_within_limit: 1 },
    });
  });

  it('prints the new lines, and one saying which sim market produced the numbers', () => {
    const sink = new SummarySink({ simMarket: 'efficient' });
    for (const e of stream()) sink.sink(e);
    const text = formatSummary(sink.summary(42));
    expect(text).toContain(
      'rejects       2 episodes, 4 occurrences (reason=episodes/occurrences: cooldown=1/3, no_liquidity_within_limit=1/1)',
    );
    expect(text).toContain('trades        2 closed, win rate 50.0 % (1 won)');
    expect(text).toContain('edge paid     $0.0163 per share against the mid at each fill, fees included');
    expect(text).toContain('max drawdown  $30.00 (2.9 % of the peak before it)');
    expect(text).toMatch(/sim market {4}efficient: makers quote the true probability/);
    const live = new SummarySink();
    for (const e of stream()) live.sink(e);
    expect(formatSummary(live.summary(42))).not.toContain('sim market');
  });

  it('keeps an open position out of the trade count until it is flat or settled', () => {
    const sink = new SummarySink();
    for (const e of [quote('m1-up', 0.49, 0.51, T), fill('m1-up', 'buy', 10, 0.51, 0, T + 1), fill('m1-up', 'sell', 4, 0.6, 0, T + 2)])
      sink.sink(e);
    expect(sink.summary(0)).toMatchObject({ trades: 0, win_rate: null });
    sink.sink(settle('m1', 'm1-up', T + 3));
    expect(sink.summary(0)).toMatchObject({ trades: 1, wins: 1, win_rate: 1 });
  });
});
