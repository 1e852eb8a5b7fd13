// Goal: the engine's handling of the inputs the strategy tests do not reach — feed status into feed_health (with the trade filter's counts), the trade filter's reference age, the pnl interval, market_closed and a late rediscovery of a settled market — pinned to exact outputs.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/app/config.ts';
import type { InputEvent } from '../../src/core/events.ts';
import type { OutputEvent } from '../../src/core/outputs.ts';
import { buildEngine } from '../../src/app/engineFactory.ts';
import { T0, market } from './paper-harness.ts';
import { venueStatus as status } from './engine-harness.ts';

const engine = () => buildEngine(loadConfig({ POLYLAB_MEDIAN_MIN_VENUES: '2' }), 'replay', 'r', null);
const trade = (venue: string, px: number, ts: number, id = `${venue}-${ts}`): InputEvent => ({
  event_type: 'venue_trade',
  venue,
  symbol: 'BTC-USD',
  px,
  qty: 0.1,
  side: 'buy',
  trade_id: id,
  ts_exchange_ms: ts,
  ts_unix_ms: ts,
});
const of = <T extends OutputEvent['event_type']>(out: OutputEvent[], type: T) =>
  out.filter((e): e is Extract<OutputEvent, { event_type: T }> => e.event_type === type);

describe('engine inputs', () => {
  it("reports a venue's status as feed_health, adding the trades its filter refused, by reason", () => {
    const e = engine();
    for (const i of [trade('coinbase', 64_000, T0), trade('kraken', 64_010, T0), { event_type: 'timer', ts_unix_ms: T0 } as const])
      e.step(i);
    e.step(trade('coinbase', 64_000, T0)); // a duplicate
    e.step(trade('coinbase', 99_000, T0 + 1)); // absurd against the reference
    const [health] = of(e.step(status('coinbase', T0 + 1_000, { seq_gaps: 3, last_error: 'venue error: x' })), 'feed_health');
    expect(health).toEqual({
      event_type: 'feed_health',
      source: 'coinbase',
      state: 'live',
      reason: null,
      messages: 50,
      trades: 40,
      parse_errors: 1,
      rejected: 4,
      reconnects: 0,
      rejected_by: { duplicate: 1, out_of_order: 0, absurd_px: 1 },
      last_message_age_ms: 700,
      seq_gaps: 3,
      last_error: 'venue error: x',
      venues_contributing: 2,
      ts_unix_ms: T0 + 1_000,
    });
    const [quiet] = of(e.step(status('kraken', T0 + 1_000, { last_message_ts_ms: null })), 'feed_health');
    expect(quiet).toEqual({
      event_type: 'feed_health',
      source: 'kraken',
      state: 'live',
      reason: null,
      messages: 50,
      trades: 40,
      parse_errors: 1,
      rejected: 2,
      reconnects: 0,
      last_message_age_ms: null,
      venues_contributing: 2,
      ts_unix_ms: T0 + 1_000,
    });
    // A message stamped after the status (clock skew between edges) is zero old, not negative.
    expect(of(e.step(status('okx', T0 + 1_000, { last_message_ts_ms: T0 + 1_500 })), 'feed_health')[0]!.last_message_age_ms).toBe(0);
  });

  it('judges prices against a reference exactly referenceMaxAgeMs old, not one a millisecond older', () => {
    const e = engine();
    for (const i of [trade('coinbase', 64_000, T0), trade('kraken', 64_000, T0), { event_type: 'timer', ts_unix_ms: T0 } as const])
      e.step(i);
    e.step(trade('okx', 80_000, T0 + 10_000));
    e.step(trade('bybit', 80_000, T0 + 10_001));
    const absurd = (v: string) => of(e.step(status(v, T0 + 10_002)), 'feed_health')[0]!.rejected_by?.absurd_px ?? 0;
    expect([absurd('okx'), absurd('bybit')]).toEqual([1, 0]);
  });

  it('emits pnl on the first timer and then every pnl interval of input time, not sooner', () => {
    const e = engine();
    const pnlAt = (ts: number) => of(e.step({ event_type: 'timer', ts_unix_ms: ts }), 'pnl').length;
    expect([pnlAt(T0), pnlAt(T0 + 9_999), pnlAt(T0 + 10_000), pnlAt(T0 + 19_999), pnlAt(T0 + 20_000)]).toEqual([1, 0, 1, 0, 1]);
  });

  it('closes a market on market_closed, and never reopens a settled one that is discovered again', () => {
    const e = engine();
    e.step({ event_type: 'market_discovered', market: market(), ts_unix_ms: T0 });
    e.step({ event_type: 'market_closed', market_id: 'm1', ts_unix_ms: T0 + 1 });
    expect(e.markets.get('m1')!.closed).toBe(true);
    const settled = e.step({
      event_type: 'market_resolved',
      market_id: 'm1',
      winning_token_id: 'up',
      winning_outcome: 'Up',
      source: 'official',
      ts_unix_ms: T0 + 2,
    });
    expect(of(settled, 'settlement')).toHaveLength(1);
    expect(e.step({ event_type: 'market_discovered', market: market(), ts_unix_ms: T0 + 3 })).toEqual([]);
    expect(e.markets.size).toBe(0);
  });
});
