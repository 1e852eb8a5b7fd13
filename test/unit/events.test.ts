// Goal: the event unions validate at runtime and serialize with the documented snake_case keys.
import { describe, expect, it } from 'vitest';
import { InputEventSchema } from '../../src/core/events.ts';
import { OutputEventSchema } from '../../src/core/outputs.ts';

describe('events', () => {
  it('serializes btc_median with px_median, px_spread_bps, venue_count, ts_unix_ms', () => {
    const e = OutputEventSchema.parse({
      event_type: 'btc_median',
      px_median: 64_010,
      px_spread_bps: 3.1,
      venue_count: 3,
      ts_unix_ms: 1_700_000_000_000,
    });
    expect(Object.keys(JSON.parse(JSON.stringify(e))).sort()).toEqual([
      'event_type',
      'px_median',
      'px_spread_bps',
      'ts_unix_ms',
      'venue_count',
    ]);
  });

  it('accepts a well-formed venue_trade and rejects bad prices and unknown types', () => {
    const ok = {
      event_type: 'venue_trade',
      venue: 'coinbase',
      symbol: 'BTC-USD',
      px: 64_001.2,
      qty: 0.01,
      side: 'buy',
      trade_id: '1',
      ts_exchange_ms: 1,
      ts_unix_ms: 2,
    };
    expect(InputEventSchema.safeParse(ok).success).toBe(true);
    expect(InputEventSchema.safeParse({ ...ok, px: -1 }).success).toBe(false);
    expect(InputEventSchema.safeParse({ ...ok, px: Number.NaN }).success).toBe(false);
    expect(InputEventSchema.safeParse({ ...ok, ts_unix_ms: 1.5 }).success).toBe(false);
    expect(InputEventSchema.safeParse({ ...ok, event_type: 'mystery' }).success).toBe(false);
  });

  it('rejects book levels outside (0, 1)', () => {
    const snap = {
      event_type: 'book_snapshot',
      market_id: 'm',
      token_id: 't',
      bids: [[0.5, 10]],
      asks: [[1.2, 10]],
      ts_exchange_ms: 1,
      ts_unix_ms: 1,
    };
    expect(InputEventSchema.safeParse(snap).success).toBe(false);
    expect(InputEventSchema.safeParse({ ...snap, asks: [[0.51, 10]] }).success).toBe(true);
  });
});
