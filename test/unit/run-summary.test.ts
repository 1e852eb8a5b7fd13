// Goal: the run summary counts closed trades won, markets won, the edge against the mid and against fair value, max drawdown and reject episodes with their occurrences from the output stream alone, and says which sim market produced them.
import { describe, expect, it } from 'vitest';
import type { OutputEvent } from '../../src/core/outputs.ts';
import { formatSummary, SummarySink } from '../../src/app/runSummary.ts';

const T = 1_767_225_600_000;
const discover = (id: string, ts: number): OutputEvent => ({
  event_type: 'market_discovered',
  market: {
    market_id: id,
    slug: `btc-updown-15m-${id}`,
    question: 'BTC up or down?',
    family: '15m',
    window_start_ms: T,
    window_end_ms: T + 900_000,
    tokens: [
      { token_id: `${id}-up`, outcome: 'Up' },
      { token_id: `${id}-down`, outcome: 'Down' },
    ],
    tick_size: 0.01,
    min_size: 5,
    fee: { rate: 0, exponent: 1, taker_only: true },
    resolution: { rule: 'end_gte_start', source: 'sim' },
    price_to_beat: null,
    price_to_beat_estimated: false,
  },
  ts_unix_ms: ts,
});
const signal = (token: string, fair: number, ts: number): OutputEvent => ({
  event_type: 'signal',
  strategy: 'x',
  market_id: token.split('-')[0]!,
  token_id: token,
  outcome: token.endsWith('up') ? 'Up' : 'Down',
  action: 'buy',
  reason: 'edge_above_min',
  numbers: { fair },
  ts_unix_ms: ts,
});
const intent = (token: string, ts: number): OutputEvent => ({
  event_type: 'paper_intent',
  intent_id: `i${ts + 1}`,
  market_id: token.split('-')[0]!,
  token_id: token,
  outcome: token.endsWith('up') ? 'Up' : 'Down',
  side: 'buy',
  qty: 10,
  limit_px: 0.6,
  tif: 'FOK',
  match_after_ms: ts,
  ts_unix_ms: ts,
});
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
const settle = (market: string, winner: string, ts: number, payout = 0): OutputEvent => ({
  event_type: 'settlement',
  market_id: market,
  winning_token_id: winner,
  winning_outcome: winner.endsWith('up') ? 'Up' : 'Down',
  source: 'official',
  payout,
  realized_pnl: 0,
  ts_unix_ms: ts,
});

function stream(): OutputEvent[] {
  return [
    { event_type: 'run_started', run_id: 'sim-1', mode: 'sim', seed: 1, strategy: 'x', ts_unix_ms: T },
    pnl(1_000, T),
    discover('m1', T),
    discover('m2', T),
    // m1: buy 10 Up at 0.51 (mid 0.50, fee 0.1), sell them at 0.60 (mid 0.605, fee 0.1): a win of 0.7.
    quote('m1-up', 0.49, 0.51, T + 1),
    fill('m1-up', 'buy', 10, 0.51, 0.1, T + 2),
    quote('m1-up', 0.6, 0.61, T + 3),
    fill('m1-up', 'sell', 10, 0.6, 0.1, T + 4),
    pnl(1_020, T + 5),
    // m2: buy 20 Down at 0.40 (mid 0.395, fee 0.2) on a signal of fair 0.45; Up wins: a loss of 8.2.
    quote('m2-down', 0.39, 0.4, T + 6),
    signal('m2-down', 0.45, T + 6),
    intent('m2-down', T + 6),
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
  it('counts closed trades won, markets won, the edge per share against the mid and against fair value, and the max drawdown', () => {
    const sink = new SummarySink({ simMarket: 'efficient' });
    for (const e of stream()) sink.sink(e);
    const s = sink.summary(42);
    expect(s).toMatchObject({ closed_trades: 2, closed_trades_won: 1, closed_trades_won_frac: 0.5, fills: 3, buys: 2, sells: 1 });
    expect(s).toMatchObject({ markets_won: 1, markets_lost: 1, markets_won_frac: 0.5, max_drawdown_usd: 30, sim_market: 'efficient' });
    // (0.01 × 10 + 0.1) + (0.005 × 10 + 0.1) + (0.005 × 20 + 0.2) = 0.65 over 40 shares.
    expect(s.edge_vs_mid).toBeCloseTo(0.65 / 40, 12);
    // Only the m2 buy had a signal: (0.45 − 0.40) × 20 − 0.2 = 0.8 over 20 shares.
    expect(s.edge_vs_fair).toBeCloseTo(0.8 / 20, 12);
    expect(s.fees_paid).toBeCloseTo(0.4, 12);
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
      'rejects             2 episodes, 4 occurrences (reason=episodes/occurrences: cooldown=1/3, no_liquidity_within_limit=1/1)',
    );
    expect(text).toContain('closed trades won   1 of 2 (50.0 %)');
    expect(text).toContain('markets won         1, lost 1 (50.0 % of those won or lost)');
    expect(text).toContain('edge vs mid         $0.0163 per share paid (cost, fees included)');
    expect(text).toContain('edge vs fair value  $0.0400 per share gained (fair − price − fee)');
    expect(text).toContain('max drawdown        $30.00 (2.9 % of the peak before it)');
    expect(text).toMatch(/sim market {10}efficient: makers quote the true probability/);
    const live = new SummarySink();
    for (const e of stream()) live.sink(e);
    expect(formatSummary(live.summary(42))).not.toContain('sim market');
  });

  it('keeps an open position out of the trade count until it is flat or settled', () => {
    const sink = new SummarySink();
    for (const e of [
      discover('m1', T),
      quote('m1-up', 0.49, 0.51, T),
      fill('m1-up', 'buy', 10, 0.51, 0, T + 1),
      fill('m1-up', 'sell', 4, 0.6, 0, T + 2),
    ])
      sink.sink(e);
    expect(sink.summary(0)).toMatchObject({ closed_trades: 0, closed_trades_won_frac: null, markets_won: 0 });
    // The 6 Up shares still held pay 1.00 each.
    sink.sink(settle('m1', 'm1-up', T + 3, 6));
    expect(sink.summary(0)).toMatchObject({ closed_trades: 1, closed_trades_won: 1, closed_trades_won_frac: 1, markets_won: 1 });
  });

  it('prints rebates earned apart from fees paid, and only when a maker fill earned any', () => {
    const taker = new SummarySink();
    for (const e of stream()) taker.sink(e);
    expect(taker.summary(0).rebates_earned).toBe(0);
    expect(formatSummary(taker.summary(0))).not.toContain('rebates earned');
    const maker = new SummarySink();
    for (const e of [
      discover('m1', T),
      { ...fill('m1-up', 'buy', 10, 0.5, 0, T + 1), liquidity: 'maker', rebate: 0.03 } as OutputEvent,
      { ...fill('m1-up', 'buy', 10, 0.5, 0, T + 2), liquidity: 'maker', rebate: 0.02 } as OutputEvent,
      fill('m1-up', 'sell', 20, 0.5, 0.1, T + 3),
    ])
      maker.sink(e);
    const text = formatSummary(maker.summary(0));
    expect(maker.summary(0)).toMatchObject({ fees_paid: 0.1 });
    expect(maker.summary(0).rebates_earned).toBeCloseTo(0.05, 12);
    expect(text).toContain('fees paid           $0.10');
    expect(text).toContain('rebates earned      $0.05 on maker fills (in realized PnL, apart from the fees paid)');
  });
});
