// Goal: the history the read model keeps for the `connected` snapshot (src/views) is bounded, sampled, oldest first, and cleared by a new run.
import { describe, expect, it } from 'vitest';
import { RunView } from '../../src/views/runView.ts';
import { historyOf } from '../../src/views/snapshot.ts';

const median = (ts: number, px = 64_000) =>
  ({ event_type: 'btc_median', px_median: px, px_spread_bps: 1, venue_count: 5, ts_unix_ms: ts }) as const;
const reject = (ts: number, reason: string) =>
  ({ event_type: 'risk_reject', reason, market_id: null, intent_id: null, numbers: {}, ts_unix_ms: ts }) as const;

describe('the read model history', () => {
  it('samples the median at most once per second of input time and keeps the newest points, oldest first', () => {
    const h = new RunView({ series: { points: 5 } });
    for (let ts = 0; ts < 20_000; ts += 250) h.apply(median(ts, 64_000 + ts));
    const s = historyOf(h);
    expect(s.median.map((p) => p.ts_unix_ms)).toEqual([15_000, 16_000, 17_000, 18_000, 19_000]);
    expect(s.last_median?.ts_unix_ms).toBe(19_750);
  });

  it('samples cumulative reject counts by reason at most every 10 s of input time', () => {
    const h = new RunView();
    h.apply(reject(0, 'cooldown'));
    h.apply(reject(1_000, 'cooldown'));
    h.apply(reject(2_000, 'stale_book'));
    h.apply({
      event_type: 'feed_health',
      source: 'okx',
      state: 'live',
      reason: null,
      messages: 1,
      trades: 1,
      parse_errors: 0,
      rejected: 0,
      reconnects: 0,
      last_message_age_ms: 0,
      venues_contributing: 5,
      ts_unix_ms: 10_000,
    });
    expect(historyOf(h).rejects).toEqual([
      { ts_unix_ms: 0, by_reason: { cooldown: 1 } },
      { ts_unix_ms: 10_000, by_reason: { cooldown: 2, stale_book: 1 } },
    ]);
  });

  it('remembers a bounded number of intents for latency, forgetting the oldest', () => {
    const h = new RunView({ intentsMax: 2 });
    for (const id of ['i1', 'i2', 'i3'])
      h.apply({
        event_type: 'paper_intent',
        intent_id: id,
        market_id: 'm',
        token_id: 't',
        outcome: 'Up',
        side: 'buy',
        qty: 5,
        limit_px: 0.5,
        tif: 'IOC',
        match_after_ms: 1,
        ts_unix_ms: Number(id.slice(1)),
      });
    expect(historyOf(h).intent_ms).toEqual({ i2: 2, i3: 3 });
  });

  it('starts empty again when a new run starts', () => {
    const h = new RunView();
    h.apply(median(0));
    h.apply({ event_type: 'pnl', cash: 1, equity: 2, realized: 0, unrealized: 0, fees: 0, ts_unix_ms: 1 });
    h.apply({ event_type: 'run_started', run_id: 'sim-8', mode: 'sim', seed: 8, strategy: 'divergence', ts_unix_ms: 2 });
    expect(historyOf(h)).toEqual({ last_median: null, median: [], equity: [], rejects: [], settlements: [], intent_ms: {} });
  });
});
