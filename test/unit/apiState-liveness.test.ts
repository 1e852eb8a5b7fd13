// Goal: /feed/health and /readyz call a book live only while it changes within its age limit and the market socket is live, say why not, and rank the new feed states (blocked, rate_limited) among the Polymarket sources.
import { describe, expect, it } from 'vitest';
import type { FeedState, MarketInfo } from '../../src/core/events.ts';
import type { OutputEvent } from '../../src/core/outputs.ts';
import { LabState } from '../../src/api/state.ts';

const market: MarketInfo = {
  market_id: 'm1',
  slug: 'btc-updown-15m',
  question: 'BTC up or down?',
  family: '15m',
  window_start_ms: 0,
  window_end_ms: 900_000,
  tokens: [
    { token_id: 'up', outcome: 'Up' },
    { token_id: 'down', outcome: 'Down' },
  ],
  tick_size: 0.01,
  min_size: 5,
  fee: { rate: 0, exponent: 1, taker_only: true },
  resolution: { rule: 'end_gte_start', source: 'sim' },
  price_to_beat: null,
  price_to_beat_estimated: false,
};
const quote = (ts: number): OutputEvent => ({
  event_type: 'quote',
  market_id: 'm1',
  token_id: 'up',
  outcome: 'Up',
  best_bid: 0.48,
  best_ask: 0.5,
  mid: 0.49,
  bid_depth: 10,
  ask_depth: 10,
  ts_unix_ms: ts,
});
const median = (ts: number): OutputEvent => ({
  event_type: 'btc_median',
  px_median: 64_000,
  px_spread_bps: 1,
  venue_count: 3,
  ts_unix_ms: ts,
});
const health = (source: string, state: FeedState, ts: number, reason: string | null = null): OutputEvent => ({
  event_type: 'feed_health',
  source,
  state,
  reason,
  messages: 1,
  trades: 0,
  parse_errors: 0,
  rejected: 0,
  reconnects: 0,
  last_message_age_ms: 0,
  venues_contributing: 0,
  ts_unix_ms: ts,
});

describe('book liveness', () => {
  it('counts a book live only within its age limit of input time, and says how old the newest is', () => {
    const s = new LabState({ mode: 'paper-live', bookMaxAgeMs: 1_000 });
    s.apply({ event_type: 'market_discovered', market, ts_unix_ms: 0 });
    s.apply(quote(10_000));
    s.apply(median(10_500));
    expect(s.readiness()).toEqual({ ready: true, reference_live: true, books_live: 1, reason: null });
    s.apply(median(11_200)); // the book has not changed for 1.2 s
    expect(s.booksLive()).toBe(0);
    expect(s.feedHealth().books.find((b) => b.token_id === 'up')).toMatchObject({ live: false, age_ms: 1_200 });
    expect(s.readiness()).toEqual({
      ready: false,
      reference_live: true,
      books_live: 0,
      reason: 'no live market book: newest book change 1.2 s ago (limit 1.0 s)',
    });
    s.apply(quote(11_300));
    expect(s.readiness().ready).toBe(true);
  });

  it('keeps no book live while the market socket is stale (PONG only), naming the socket state', () => {
    const s = new LabState({ mode: 'paper-live' });
    s.apply({ event_type: 'market_discovered', market, ts_unix_ms: 0 });
    s.apply(quote(10_000));
    s.apply(median(10_000));
    s.apply(health('polymarket_ws', 'stale', 10_000, 'no book change for 61 s (PONG only)'));
    expect(s.readiness()).toMatchObject({
      ready: false,
      reason: 'no live market book: polymarket_ws is stale (no book change for 61 s (PONG only))',
    });
  });

  it('ranks the Polymarket sources worst first: down, blocked, stale, rate_limited, connecting, live', () => {
    const s = new LabState({ mode: 'paper-live' });
    s.apply(health('gamma', 'rate_limited', 1));
    s.apply(health('rtds', 'live', 1));
    expect(s.feedHealth().polymarket_state).toBe('rate_limited');
    s.apply(health('polymarket_ws', 'stale', 1));
    expect(s.feedHealth().polymarket_state).toBe('stale');
    s.apply(health('clob_rest', 'blocked', 1));
    expect(s.feedHealth().polymarket_state).toBe('blocked');
  });
});
