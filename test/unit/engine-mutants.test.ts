// Goal: the engine's settlement memory, late official results and the equity curve behave exactly as
// documented — the cases the mutation pass showed no other test pinned down.
import { describe, expect, it } from 'vitest';
import type { InputEvent, Level } from '../../src/core/events.ts';
import { Engine, type EngineParams } from '../../src/engine/engine.ts';
import type { OutputEvent, OutputEventType, OutputOf } from '../../src/core/outputs.ts';
import type { Decision, Strategy } from '../../src/strategy/types.ts';
import { T0, market } from './paper-harness.ts';

function scripted(decisions: Decision[]): Strategy {
  const queue = [...decisions];
  return { name: 'scripted', evaluate: () => (queue.length > 0 ? [queue.shift()!] : []) };
}
const buyUp = (qty: number, limitPx: number, over: Partial<Decision> = {}): Decision => ({
  token_id: 'up',
  outcome: 'Up',
  side: 'buy',
  qty,
  limit_px: limitPx,
  reason: 'test',
  numbers: {},
  ...over,
});
function engine(strategy: Strategy = scripted([]), over: Partial<EngineParams> = {}): Engine {
  return new Engine({
    runId: 't',
    mode: 'sim',
    seed: null,
    strategy,
    median: { stalenessMs: 2000, outlierBps: 200, minVenues: 2 },
    vol: { halfLifeMs: 300_000, floorAnnual: 0.2 },
    equityUsd: 10_000,
    riskMaxMarketFraction: 0.5,
    latencyMs: 250,
    slippageBps: 0,
    ...over,
  });
}
const trades = (ts: number, px = 100_000): InputEvent[] =>
  ['coinbase', 'kraken'].map((venue, i) => ({
    event_type: 'venue_trade',
    venue,
    symbol: 'BTC-USD',
    px,
    qty: 1,
    side: 'buy',
    trade_id: `${venue}-${ts}-${i}`,
    ts_exchange_ms: ts,
    ts_unix_ms: ts,
  }));
const book = (ts: number, tokenId: string, asks: Level[], bids: Level[] = [], marketId = 'm1'): InputEvent => ({
  event_type: 'book_snapshot',
  market_id: marketId,
  token_id: tokenId,
  bids,
  asks,
  ts_exchange_ms: ts,
  ts_unix_ms: ts,
});
const resolved = (marketId: string, winner: 'up' | 'down', source: 'own' | 'official', ts: number): InputEvent => ({
  event_type: 'market_resolved',
  market_id: marketId,
  winning_token_id: winner,
  winning_outcome: winner === 'up' ? 'Up' : 'Down',
  source,
  ts_unix_ms: ts,
});
const discovered = (marketId: string, ts: number): InputEvent => ({
  event_type: 'market_discovered',
  market: market({ market_id: marketId }),
  ts_unix_ms: ts,
});
function run(e: Engine, inputs: InputEvent[]): OutputEvent[] {
  return [...e.start(T0), ...inputs.flatMap((i) => e.step(i))];
}
const only = <T extends OutputEventType>(out: OutputEvent[], type: T) => out.filter((e): e is OutputOf<T> => e.event_type === type);

/** Market m1 discovered, 10 Up bought at 0.5, then our own reading settles it Up. */
function heldAndSettledUp(): { e: Engine; out: OutputEvent[] } {
  const e = engine(scripted([buyUp(10, 0.5)]));
  const out = run(e, [
    discovered('m1', T0),
    book(T0 + 10, 'up', [[0.5, 100]], [[0.4, 100]]),
    ...trades(T0 + 900),
    { event_type: 'timer', ts_unix_ms: T0 + 1000 },
    book(T0 + 1300, 'up', [[0.5, 100]], [[0.4, 100]]),
    { event_type: 'timer', ts_unix_ms: T0 + 12_000 },
    resolved('m1', 'up', 'own', T0 + 400_000),
  ]);
  return { e, out };
}

describe('late results for a settled market', () => {
  it('ignores a second own reading that disagrees: only an official result can correct the pnl', () => {
    const { e, out } = heldAndSettledUp();
    expect(only(out, 'paper_fill')).toHaveLength(1);
    expect(only(out, 'settlement')).toHaveLength(1);
    const realized = e.portfolio.realized;
    expect(e.step(resolved('m1', 'down', 'own', T0 + 401_000))).toEqual([]);
    expect(e.portfolio.realized).toBe(realized);
  });

  it('an official result that disagrees re-settles once; a further official result is ignored', () => {
    const { e } = heldAndSettledUp();
    const corr = e.step(resolved('m1', 'down', 'official', T0 + 401_000));
    expect(only(corr, 'settlement')[0]).toMatchObject({ source: 'official', winning_token_id: 'down', corrects_outcome: 'Up', payout: 0 });
    expect(only(corr, 'settlement')[0]!.pnl_adjustment).toBeCloseTo(-10, 9);
    const realized = e.portfolio.realized;
    expect(e.step(resolved('m1', 'up', 'official', T0 + 402_000))).toEqual([]);
    expect(e.portfolio.realized).toBe(realized);
  });

  it('an official result after an official settlement is never a correction', () => {
    const e = engine();
    run(e, [discovered('m1', T0), resolved('m1', 'up', 'official', T0 + 400_000)]);
    expect(e.step(resolved('m1', 'down', 'official', T0 + 401_000))).toEqual([]);
  });

  it('a result for a market the engine never saw settles nothing and does not throw', () => {
    const e = engine();
    run(e, [discovered('m1', T0)]);
    expect(e.step(resolved('zz', 'up', 'own', T0 + 400_000))).toEqual([]);
    expect(e.counters.settlements).toBe(0);
  });
});

describe('settled-market memory (1024 markets)', () => {
  const settleMany = (n: number): Engine => {
    const e = engine();
    const inputs: InputEvent[] = [];
    for (let i = 0; i < n; i++) inputs.push(discovered(`m${i}`, T0), resolved(`m${i}`, 'up', 'own', T0 + 400_000));
    run(e, inputs);
    return e;
  };
  it('still corrects the oldest of exactly 1024 settled markets', () => {
    const e = settleMany(1024);
    expect(only(e.step(resolved('m0', 'down', 'official', T0 + 401_000)), 'settlement')).toHaveLength(1);
  });
  it('forgets the oldest once a 1025th market settles', () => {
    const e = settleMany(1025);
    expect(e.step(resolved('m0', 'down', 'official', T0 + 401_000))).toEqual([]);
    expect(only(e.step(resolved('m1', 'down', 'official', T0 + 401_000)), 'settlement')).toHaveLength(1);
  });
});

describe('equity curve', () => {
  it('records cash plus the position at its best bid, the same equity the pnl event shows', () => {
    const { e, out } = heldAndSettledUp();
    const pnls = only(out, 'pnl');
    const beforeSettle = pnls.find((p) => p.position_value > 0)!;
    expect(beforeSettle.position_value).toBeCloseTo(4, 9);
    const point = e.portfolio.equityCurve.find((p) => p.ts_unix_ms === beforeSettle.ts_unix_ms)!;
    expect(point.equity).toBeCloseTo(beforeSettle.equity, 9);
    expect(beforeSettle.equity).toBeCloseTo(beforeSettle.cash + 4, 9);
  });
});
