// Goal: the read model's account (src/views/account.ts) applies the one settlement rule — a settlement clears every position and open trade of its market and decides its PnL — and keeps its per-market ledgers bounded without losing the won/lost counts.
import { describe, expect, it } from 'vitest';
import type { PaperFill, Position, Settlement } from '../../src/core/outputs.ts';
import { Account, LEDGERS_MAX } from '../../src/views/account.ts';

const fill = (market: string, token: string, side: 'buy' | 'sell', qty: number, px: number, fee = 0): PaperFill => ({
  event_type: 'paper_fill',
  fill_id: `f-${market}-${token}-${side}`,
  intent_id: 'i',
  market_id: market,
  token_id: token,
  outcome: token.endsWith('up') ? 'Up' : 'Down',
  side,
  qty,
  fill_px: px,
  fee,
  liquidity: 'taker',
  requested_qty: qty,
  levels_consumed: 1,
  ts_unix_ms: 1,
});
const position = (market: string, token: string, qty: number): Position => ({
  event_type: 'position',
  market_id: market,
  token_id: token,
  outcome: token.endsWith('up') ? 'Up' : 'Down',
  qty,
  avg_cost: 0.5,
  ts_unix_ms: 1,
});
const settlement = (market: string, winner: string, payout: number, extra: Partial<Settlement> = {}): Settlement => ({
  event_type: 'settlement',
  market_id: market,
  winning_token_id: winner,
  winning_outcome: winner.endsWith('up') ? 'Up' : 'Down',
  source: 'official',
  payout,
  realized_pnl: 0,
  ts_unix_ms: 2,
  ...extra,
});

describe('account', () => {
  it('clears the settled market’s positions and trades only, and decides its PnL', () => {
    const a = new Account();
    a.onFill(fill('m1', 'm1-up', 'buy', 10, 0.4, 0.1));
    a.onFill(fill('m1', 'm1-down', 'buy', 5, 0.5));
    a.onFill(fill('m2', 'm2-up', 'buy', 10, 0.5));
    for (const p of [position('m1', 'm1-up', 10), position('m1', 'm1-down', 5), position('m2', 'm2-up', 10)]) a.onPosition(p);
    a.onSettlement(settlement('m1', 'm1-up', 10));
    expect([...a.positions.keys()]).toEqual(['m2-up']);
    // Up paid 10 against 4.1 + 2.5 spent: won; Down closed at a loss.
    expect({ closed: a.tradesClosed, won: a.tradesWon }).toEqual({ closed: 2, won: 1 });
    const m1 = a.markets().find((m) => m.market_id === 'm1')!;
    expect(m1).toMatchObject({ open_qty: 0, winning_outcome: 'Up', fills: 2 });
    expect(m1.pnl).toBeCloseTo(10 - 4.1 - 2.5, 12);
    expect(a.markets().find((m) => m.market_id === 'm2')!.pnl).toBeNull();
    expect(a.marketsWonLost()).toEqual({ won: 1, lost: 0 });
  });

  it('moves only the cash on a correction: the positions were cleared by the first settlement', () => {
    const a = new Account();
    a.onFill(fill('m1', 'm1-up', 'buy', 10, 0.4));
    a.onSettlement(settlement('m1', 'm1-up', 10, { source: 'own' }));
    a.onSettlement(settlement('m1', 'm1-down', 0, { corrects_outcome: 'Up', pnl_adjustment: -10 }));
    expect(a.tradesClosed).toBe(1);
    expect(a.markets()[0]).toMatchObject({ winning_outcome: 'Down' });
    expect(a.markets()[0]!.pnl).toBeCloseTo(-4, 12);
    expect(a.marketsWonLost()).toEqual({ won: 0, lost: 1 });
  });

  it(`keeps at most ${LEDGERS_MAX} market ledgers, counting the won and lost ones that leave`, () => {
    const a = new Account();
    const n = LEDGERS_MAX + 5;
    for (let i = 0; i < n; i++) {
      a.onFill(fill(`m${i}`, `m${i}-up`, 'buy', 1, 0.5));
      // Even markets win (payout 1 for 0.5), odd ones lose.
      a.onSettlement(settlement(`m${i}`, i % 2 === 0 ? `m${i}-up` : `m${i}-down`, i % 2 === 0 ? 1 : 0));
    }
    expect(a.markets()).toHaveLength(LEDGERS_MAX);
    expect(a.markets()[0]!.market_id).toBe('m5');
    expect(a.marketsWonLost()).toEqual({ won: Math.ceil(n / 2), lost: Math.floor(n / 2) });
  });
});

describe('maker rebates', () => {
  it('count as cash in the market’s PnL and in the trade, apart from the fees', () => {
    const a = new Account();
    // A maker buy of 10 at 0.50 earning a 0.02 rebate, then a taker sell of 10 at 0.50 paying 0.03.
    a.onFill({ ...fill('m', 'm-up', 'buy', 10, 0.5), liquidity: 'maker', rebate: 0.02 });
    a.onFill(fill('m', 'm-up', 'sell', 10, 0.5, 0.03));
    const [m] = a.markets();
    expect(m!.fees).toBeCloseTo(0.03, 12);
    expect(m!.pnl).toBeCloseTo(-0.01, 12);
    expect(a.tradesClosed).toBe(1);
    expect(a.tradesWon).toBe(0);
    expect(a.marketsWonLost()).toEqual({ won: 0, lost: 1 });
  });
});
