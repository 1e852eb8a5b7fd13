// Shared fixture for the analytics-* tests: hand-built inputs and the engine outputs that go with them, fed to one Analytics.
import type { InputEvent, Level, Side } from '../../src/core/events.ts';
import type { OutputEvent } from '../../src/core/outputs.ts';
import { Analytics, type AnalyticsOptions } from '../../src/analytics/analytics.ts';
import { T0, market } from './paper-harness.ts';

export { T0, market };

export class Tape {
  readonly a: Analytics;
  private seq = 0;

  constructor(opts: Partial<AnalyticsOptions> = {}) {
    this.a = new Analytics({ latencyMs: 250, slippageBps: 0, ...opts });
    this.a.observeOutputs([{ event_type: 'run_started', run_id: 'r', mode: 'sim', seed: 1, strategy: 'fair_value', ts_unix_ms: T0 }]);
    this.a.observe({ event_type: 'timer', ts_unix_ms: T0 }, [{ event_type: 'market_discovered', market: market(), ts_unix_ms: T0 }]);
  }

  step(input: InputEvent, outs: OutputEvent[] = []): this {
    this.a.observe(input, outs);
    return this;
  }

  timer(ts: number, outs: OutputEvent[] = []): this {
    return this.step({ event_type: 'timer', ts_unix_ms: ts }, outs);
  }

  book(token: string, ts: number, asks: Level[], bids: Level[]): this {
    return this.step({ event_type: 'book_snapshot', market_id: 'm1', token_id: token, asks, bids, ts_exchange_ms: ts, ts_unix_ms: ts });
  }

  delta(token: string, ts: number, side: 'bid' | 'ask', px: number, size: number): this {
    return this.step({
      event_type: 'book_delta',
      market_id: 'm1',
      token_id: token,
      changes: [{ side, px, size }],
      ts_exchange_ms: ts,
      ts_unix_ms: ts,
    });
  }

  print(token: string, ts: number, px: number, qty: number, side: Side = 'buy'): this {
    return this.step({ event_type: 'market_trade', market_id: 'm1', token_id: token, px, qty, side, ts_exchange_ms: ts, ts_unix_ms: ts });
  }

  /** A decision at `ts` (signal + intent) and its taker fill `latencyMs` later, as the engine emits them. */
  trade(
    token: string,
    side: Side,
    qty: number,
    limitPx: number,
    fillPx: number,
    ts: number,
    opts: { fair?: number; latencyMs?: number; fee?: number } = {},
  ): string {
    const id = `i${++this.seq}`;
    const outcome = token === 'up' ? 'Up' : 'Down';
    const lat = opts.latencyMs ?? 250;
    this.timer(ts, [
      {
        event_type: 'signal',
        strategy: 'fair_value',
        market_id: 'm1',
        token_id: token,
        outcome,
        action: side,
        reason: 'test',
        numbers: { fair: opts.fair ?? 0.6 },
        ts_unix_ms: ts,
      },
      {
        event_type: 'paper_intent',
        intent_id: id,
        market_id: 'm1',
        token_id: token,
        outcome,
        side,
        qty,
        limit_px: limitPx,
        tif: 'IOC',
        match_after_ms: ts + lat,
        ts_unix_ms: ts,
      },
    ]);
    this.timer(ts + lat, [
      {
        event_type: 'paper_fill',
        fill_id: `f${id}`,
        intent_id: id,
        market_id: 'm1',
        token_id: token,
        outcome,
        side,
        qty,
        fill_px: fillPx,
        fee: opts.fee ?? 0,
        liquidity: 'taker',
        requested_qty: qty,
        levels_consumed: 1,
        ts_unix_ms: ts + lat,
      },
    ]);
    return id;
  }

  settle(ts: number, winner: 'Up' | 'Down', corrects?: 'Up' | 'Down'): this {
    return this.timer(ts, [
      {
        event_type: 'settlement',
        market_id: 'm1',
        winning_token_id: winner === 'Up' ? 'up' : 'down',
        winning_outcome: winner,
        source: corrects ? 'official' : 'own',
        payout: 0,
        realized_pnl: 0,
        ...(corrects ? { corrects_outcome: corrects } : {}),
        ts_unix_ms: ts,
      },
    ]);
  }
}
