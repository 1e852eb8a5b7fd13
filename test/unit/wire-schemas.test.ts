// Goal: the API's wire schemas (src/core/wire.ts, src/core/trustWire.ts) accept what the lab really serves — a snapshot, feed health, readiness and a trust report built by the real read model and analytics — and refuse what would mislead a reader or a client: bad list queries, unknown client messages, negative or fractional counts, unknown enum values and literals.
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import type { OutputEvent } from '../../src/core/outputs.ts';
import {
  ErrorBodySchema,
  FeedHealthResponseSchema,
  FillsResponseSchema,
  HealthzResponseSchema,
  LIMIT_MAX,
  ListQuerySchema,
  MarketsResponseSchema,
  OrdersResponseSchema,
  PnlResponseSchema,
  PositionsResponseSchema,
  ReadyzResponseSchema,
  RejectsResponseSchema,
  RunsResponseSchema,
  WsClientMessageSchema,
  WsConnectedSchema,
  WsSnapshotSchema,
  type FeedWarning,
} from '../../src/core/wire.ts';
import { StrategiesResponseSchema, TrustReportSchema, TrustResponseSchema } from '../../src/core/trustWire.ts';
import { RunView } from '../../src/views/runView.ts';
import { DEFAULT_LIMITS, feedHealthOf, readinessOf } from '../../src/views/liveness.ts';
import { snapshotOf } from '../../src/views/snapshot.ts';
import { T0, Tape, market } from './analytics-harness.ts';

/** The paths zod names in its refusal (empty when the value is accepted). */
function refusedAt(schema: z.ZodTypeAny, value: unknown): string[] {
  const r = schema.safeParse(value);
  return r.success ? [] : r.error.issues.map((i) => i.path.join('.'));
}

/** A copy of `value` with one change applied. */
function changed<T>(value: T, edit: (copy: T) => void): T {
  const copy = structuredClone(value);
  edit(copy);
  return copy;
}

const health = (source: string, ts: number): OutputEvent => ({
  event_type: 'feed_health',
  source,
  state: 'live',
  reason: null,
  messages: 10,
  trades: 4,
  parse_errors: 0,
  rejected: 0,
  reconnects: 1,
  last_message_age_ms: 20,
  venues_contributing: 3,
  ts_unix_ms: ts,
});

/** A short live run as the engine emits it: a market with a book, a resting order, a fill, a reject, a settled second market. */
function runView(): RunView {
  const v = new RunView();
  const events: OutputEvent[] = [
    { event_type: 'run_started', run_id: 'sim-7', mode: 'sim', seed: 7, strategy: 'fair_value', ts_unix_ms: T0 },
    { event_type: 'market_discovered', market: market(), ts_unix_ms: T0 },
    { event_type: 'market_discovered', market: market({ market_id: 'm2', slug: 'btc-updown-5m-b' }), ts_unix_ms: T0 },
    health('polymarket_ws', T0 + 500),
    health('binance', T0 + 500),
    { event_type: 'btc_median', px_median: 100_050, px_spread_bps: 2, venue_count: 3, ts_unix_ms: T0 + 1_000 },
    {
      event_type: 'quote',
      market_id: 'm1',
      token_id: 'up',
      outcome: 'Up',
      best_bid: 0.48,
      best_ask: 0.5,
      mid: 0.49,
      bid_depth: 120,
      ask_depth: 80,
      ts_unix_ms: T0 + 1_000,
    },
    {
      event_type: 'paper_intent',
      intent_id: 'i1',
      market_id: 'm1',
      token_id: 'up',
      outcome: 'Up',
      side: 'buy',
      qty: 10,
      limit_px: 0.48,
      tif: 'GTC',
      match_after_ms: T0 + 1_250,
      expires_at_ms: T0 + 60_000,
      ts_unix_ms: T0 + 1_000,
    },
    {
      event_type: 'order_queue',
      intent_id: 'i1',
      market_id: 'm1',
      token_id: 'up',
      side: 'buy',
      limit_px: 0.48,
      remaining_qty: 10,
      queue_model: 'conservative',
      queue_ahead_qty: 120,
      queue_ahead_alt_qty: 60,
      ts_unix_ms: T0 + 1_250,
    },
    {
      event_type: 'paper_fill',
      fill_id: 'f1',
      intent_id: 'i1',
      market_id: 'm1',
      token_id: 'up',
      outcome: 'Up',
      side: 'buy',
      qty: 4,
      fill_px: 0.48,
      fee: 0,
      liquidity: 'maker',
      requested_qty: 10,
      levels_consumed: 0,
      ts_unix_ms: T0 + 2_000,
    },
    { event_type: 'position', market_id: 'm1', token_id: 'up', outcome: 'Up', qty: 4, avg_cost: 0.48, ts_unix_ms: T0 + 2_000 },
    {
      event_type: 'risk_reject',
      reason: 'max_position',
      market_id: 'm1',
      intent_id: null,
      numbers: { qty: 4 },
      ts_unix_ms: T0 + 2_500,
    },
    {
      event_type: 'settlement',
      market_id: 'm2',
      winning_token_id: 'up',
      winning_outcome: 'Up',
      source: 'own',
      payout: 0,
      realized_pnl: 0,
      ts_unix_ms: T0 + 3_000,
    },
    { event_type: 'pnl', cash: 998.08, equity: 1_000, realized: 0, unrealized: 0.04, fees: 0, ts_unix_ms: T0 + 3_000 },
  ];
  for (const e of events) v.apply(e);
  return v;
}

const warning: FeedWarning = { kind: 'basis', source: 'chainlink', last_bps: 31, warn_bps: 25, message: 'chainlink basis 31 bps' };

describe('the snapshot, feed health and readiness the API serves', () => {
  const v = runView();
  const snapshot = snapshotOf(v, DEFAULT_LIMITS, [warning], 'sim');
  const feed = feedHealthOf(v, DEFAULT_LIMITS, [warning], 'sim');

  it('accepts the snapshot the read model builds, with its order, fill, reject and settlement', () => {
    expect(snapshot.orders).toHaveLength(1);
    expect(snapshot.recent_fills).toHaveLength(1);
    expect(snapshot.history.settlements).toHaveLength(1);
    expect(refusedAt(WsSnapshotSchema, snapshot)).toEqual([]);
    expect(refusedAt(WsConnectedSchema, { event_type: 'connected', snapshot, ts_unix_ms: T0 + 3_000 })).toEqual([]);
    expect(refusedAt(MarketsResponseSchema, { markets: snapshot.markets })).toEqual([]);
    expect(refusedAt(PositionsResponseSchema, { positions: snapshot.positions })).toEqual([]);
    expect(refusedAt(OrdersResponseSchema, { orders: snapshot.orders })).toEqual([]);
    expect(refusedAt(PnlResponseSchema, { pnl: snapshot.pnl })).toEqual([]);
    expect(refusedAt(PnlResponseSchema, { pnl: null })).toEqual([]);
  });

  it('a client cannot mistake another message for the connected snapshot', () => {
    expect(refusedAt(WsConnectedSchema, { event_type: 'snapshot', snapshot, ts_unix_ms: T0 })).toEqual(['event_type']);
    expect(refusedAt(WsConnectedSchema, { event_type: 'connected', snapshot, ts_unix_ms: -1 })).toEqual(['ts_unix_ms']);
  });

  it('accepts feed health and readiness as the read model reports them', () => {
    expect(feed.books_live).toBe(1);
    expect(feed.warnings).toEqual([warning]);
    expect(refusedAt(FeedHealthResponseSchema, feed)).toEqual([]);
    const ready = readinessOf(v, DEFAULT_LIMITS);
    expect(ready.ready).toBe(true);
    expect(refusedAt(ReadyzResponseSchema, ready)).toEqual([]);
    expect(refusedAt(ReadyzResponseSchema, { ...ready, books_live: -1 })).toEqual(['books_live']);
  });

  it('refuses negative or fractional counts in feed health', () => {
    expect(refusedAt(FeedHealthResponseSchema, { ...feed, venues_contributing: -1 })).toEqual(['venues_contributing']);
    expect(refusedAt(FeedHealthResponseSchema, { ...feed, venues_contributing: 1.5 })).toEqual(['venues_contributing']);
    expect(refusedAt(FeedHealthResponseSchema, { ...feed, books_live: -1 })).toEqual(['books_live']);
    expect(
      refusedAt(
        FeedHealthResponseSchema,
        changed(feed, (f) => (f.reference.venue_count = -1)),
      ),
    ).toEqual(['reference.venue_count']);
    expect(
      refusedAt(
        FeedHealthResponseSchema,
        changed(feed, (f) => (f.reference.age_ms = -1)),
      ),
    ).toEqual(['reference.age_ms']);
    expect(
      refusedAt(
        FeedHealthResponseSchema,
        changed(feed, (f) => (f.books[0]!.age_ms = -1)),
      ),
    ).toEqual(['books.0.age_ms']);
    expect(
      refusedAt(
        FeedHealthResponseSchema,
        changed(feed, (f) => (f.books[0]!.last_update_ms = 1.5)),
      ),
    ).toEqual(['books.0.last_update_ms']);
    expect(
      refusedAt(
        FeedHealthResponseSchema,
        changed(feed, (f) => (f.sources[0]!.messages = -1)),
      ),
    ).toEqual(['sources.0.messages']);
  });

  it('refuses a book age limit of zero, an unknown mode and a warning other than basis', () => {
    expect(refusedAt(FeedHealthResponseSchema, { ...feed, book_max_age_ms: 0 })).toEqual(['book_max_age_ms']);
    expect(refusedAt(FeedHealthResponseSchema, { ...feed, mode: 'live' })).toEqual(['mode']);
    expect(refusedAt(FeedHealthResponseSchema, { ...feed, polymarket_state: 'up' })).toEqual(['polymarket_state']);
    expect(refusedAt(FeedHealthResponseSchema, { ...feed, warnings: [{ ...warning, kind: 'spread' }] })).toEqual(['warnings.0.kind']);
  });

  it('refuses a working order with an unknown side, time in force or queue model, or negative shares', () => {
    const order = snapshot.orders![0]!;
    expect(order.queue_model).toBe('conservative');
    const refused = (edit: Record<string, unknown>) => refusedAt(OrdersResponseSchema, { orders: [{ ...order, ...edit }] });
    expect(refused({ side: 'hold' })).toEqual(['orders.0.side']);
    expect(refused({ tif: 'GTD' })).toEqual(['orders.0.tif']);
    expect(refused({ queue_model: 'fifo' })).toEqual(['orders.0.queue_model']);
    expect(refused({ queue_model: null, queue_ahead_qty: null, queue_ahead_alt_qty: null })).toEqual([]);
    for (const edit of [{ side: 'sell' }, { tif: 'FOK' }, { tif: 'IOC' }, { queue_model: 'probabilistic' }])
      expect(refused(edit)).toEqual([]);
    expect(refused({ remaining_qty: -1 })).toEqual(['orders.0.remaining_qty']);
    expect(refused({ queue_ahead_qty: -1 })).toEqual(['orders.0.queue_ahead_qty']);
    expect(refused({ queue_ahead_alt_qty: -1 })).toEqual(['orders.0.queue_ahead_alt_qty']);
    expect(refused({ since_ms: -1 })).toEqual(['orders.0.since_ms']);
  });

  it('refuses a quote with negative depth and a snapshot with a negative reject count', () => {
    const quote = snapshot.markets[0]!.quotes[0]!;
    expect(quote.bid_depth).toBe(120);
    const market = { ...snapshot.markets[0]!, quotes: [{ ...quote, bid_depth: -1 }] };
    expect(refusedAt(MarketsResponseSchema, { markets: [market] })).toEqual(['markets.0.quotes.0.bid_depth']);
    expect(refusedAt(MarketsResponseSchema, { markets: [{ ...market, quotes: [{ ...quote, ask_depth: -1 }] }] })).toEqual([
      'markets.0.quotes.0.ask_depth',
    ]);
    expect(refusedAt(WsSnapshotSchema, { ...snapshot, rejects_by_reason: { max_position: -1 } })).toEqual([
      'rejects_by_reason.max_position',
    ]);
    const history = changed(snapshot.history, (h) => h.rejects.push({ ts_unix_ms: T0, by_reason: { cooldown: 0.5 } }));
    expect(refusedAt(WsSnapshotSchema, { ...snapshot, history })).toEqual(['history.rejects.1.by_reason.cooldown']);
  });
});

describe('the runs, fills and rejects lists', () => {
  const run = runView().currentRun()!;

  it('accepts the current run with its counts', () => {
    expect(run).toMatchObject({ run_id: 'sim-7', fills: 1, rejects: 1, current: true });
    expect(refusedAt(RunsResponseSchema, { runs: [run] })).toEqual([]);
  });

  it('refuses negative or fractional counts, a fractional seed and an unknown mode', () => {
    const refused = (edit: Record<string, unknown>) => refusedAt(RunsResponseSchema, { runs: [{ ...run, ...edit }] });
    expect(refused({ fills: -1 })).toEqual(['runs.0.fills']);
    expect(refused({ rejects: 1.5 })).toEqual(['runs.0.rejects']);
    expect(refused({ settlements: -1 })).toEqual(['runs.0.settlements']);
    expect(refused({ seed: 1.5 })).toEqual(['runs.0.seed']);
    expect(refused({ seed: null, stopped_ms: T0 + 5_000 })).toEqual([]);
    expect(refused({ mode: 'live' })).toEqual(['runs.0.mode']);
  });

  it('refuses a negative total of fills or rejects', () => {
    expect(refusedAt(FillsResponseSchema, { fills: [], total: -1 })).toEqual(['total']);
    const rejects = { rejects: [], total: 2, by_reason: { cooldown: 2 }, occurrences: 5, occurrences_by_reason: { cooldown: 5 } };
    expect(refusedAt(RejectsResponseSchema, rejects)).toEqual([]);
    expect(refusedAt(RejectsResponseSchema, { ...rejects, total: -1 })).toEqual(['total']);
    expect(refusedAt(RejectsResponseSchema, { ...rejects, occurrences: 0.5 })).toEqual(['occurrences']);
    expect(refusedAt(RejectsResponseSchema, { ...rejects, by_reason: { cooldown: -2 } })).toEqual(['by_reason.cooldown']);
    expect(refusedAt(RejectsResponseSchema, { ...rejects, occurrences_by_reason: { cooldown: -5 } })).toEqual([
      'occurrences_by_reason.cooldown',
    ]);
  });
});

describe('list queries', () => {
  it('reads the limit from text, 100 by default, up to LIMIT_MAX', () => {
    expect(LIMIT_MAX).toBe(1000);
    expect(ListQuerySchema.parse({})).toEqual({ limit: 100 });
    expect(ListQuerySchema.parse({ limit: '1000' })).toEqual({ limit: 1000 });
    expect(ListQuerySchema.parse({ limit: '1', market_id: 'm1' })).toEqual({ limit: 1, market_id: 'm1' });
  });

  it.each(['abc', '-1', '0', '1001', '2.5'])('refuses limit=%s, naming the field', (limit) => {
    expect(refusedAt(ListQuerySchema, { limit })).toEqual(['limit']);
  });

  it('refuses an empty market id and one over 200 characters', () => {
    expect(refusedAt(ListQuerySchema, { market_id: '' })).toEqual(['market_id']);
    expect(refusedAt(ListQuerySchema, { market_id: 'x'.repeat(201) })).toEqual(['market_id']);
    expect(refusedAt(ListQuerySchema, { market_id: 'x'.repeat(200) })).toEqual([]);
  });
});

describe('the small bodies: client message, errors, health', () => {
  it('accepts only {op: "ping"} from a WebSocket client', () => {
    expect(refusedAt(WsClientMessageSchema, { op: 'ping' })).toEqual([]);
    expect(refusedAt(WsClientMessageSchema, { op: 'subscribe' })).toEqual(['op']);
    expect(refusedAt(WsClientMessageSchema, { op: 'ping', channel: 'fills' })).toEqual(['']);
  });

  it('accepts the catalogue of error codes and nothing else', () => {
    for (const code of ['NOT_FOUND', 'BAD_REQUEST', 'FORBIDDEN', 'NOT_READY', 'INTERNAL'])
      expect(refusedAt(ErrorBodySchema, { error: { code, message: 'm', field: null } })).toEqual([]);
    expect(refusedAt(ErrorBodySchema, { error: { code: 'TEAPOT', message: 'm', field: 'limit' } })).toEqual(['error.code']);
  });

  it('says ok only as "ok", with a non-negative uptime', () => {
    expect(refusedAt(HealthzResponseSchema, { status: 'ok', uptime_s: 0 })).toEqual([]);
    expect(refusedAt(HealthzResponseSchema, { status: 'fine', uptime_s: 0 })).toEqual(['status']);
    expect(refusedAt(HealthzResponseSchema, { status: 'ok', uptime_s: -1 })).toEqual(['uptime_s']);
  });
});

describe('the trust report', () => {
  /** One taker buy settled as a winner: every section of the report has a row. */
  function report() {
    const t = new Tape();
    t.book('up', T0 + 500, [[0.5, 100]], [[0.48, 100]]);
    t.trade('up', 'buy', 10, 0.51, 0.5, T0 + 1_000);
    t.timer(T0 + 10_000);
    t.settle(T0 + 300_000, 'Up');
    return t.a.report();
  }
  const trust = report();

  it('accepts the report the analytics build', () => {
    expect(trust.fills).toBe(1);
    expect(trust.markouts.length).toBeGreaterThan(0);
    expect(refusedAt(TrustReportSchema, trust)).toEqual([]);
    expect(refusedAt(TrustResponseSchema, { trust })).toEqual([]);
    expect(refusedAt(TrustResponseSchema, { trust: null })).toEqual([]);
  });

  it('refuses negative or fractional counts', () => {
    expect(refusedAt(TrustReportSchema, { ...trust, fills: -1 })).toEqual(['fills']);
    expect(refusedAt(TrustReportSchema, { ...trust, dropped_fills: 0.5 })).toEqual(['dropped_fills']);
    expect(
      refusedAt(
        TrustReportSchema,
        changed(trust, (r) => (r.tape.unknown = -1)),
      ),
    ).toEqual(['tape.unknown']);
    expect(
      refusedAt(
        TrustReportSchema,
        changed(trust, (r) => (r.markouts[0]!.fills = -1)),
      ),
    ).toEqual(['markouts.0.fills']);
    expect(
      refusedAt(
        TrustReportSchema,
        changed(trust, (r) => (r.markouts[0]!.horizons[0]!.horizon_ms = 0)),
      ),
    ).toEqual(['markouts.0.horizons.0.horizon_ms']);
    expect(
      refusedAt(
        TrustReportSchema,
        changed(trust, (r) => (r.fill_models.settled_trades = -1)),
      ),
    ).toEqual(['fill_models.settled_trades']);
    expect(
      refusedAt(
        TrustReportSchema,
        changed(trust, (r) => (r.basis.flip_risk_count = -1)),
      ),
    ).toEqual(['basis.flip_risk_count']);
  });

  it('refuses an unknown side, latency model or queue model', () => {
    expect(
      refusedAt(
        TrustReportSchema,
        changed(trust, (r) => ((r.markouts[0] as { side: string }).side = 'hold')),
      ),
    ).toEqual(['markouts.0.side']);
    const fm = (edit: Record<string, unknown>) => ({ ...trust, fill_models: { ...trust.fill_models, ...edit } });
    expect(refusedAt(TrustReportSchema, fm({ pessimistic_latency: 'triple' }))).toEqual(['fill_models.pessimistic_latency']);
    expect(refusedAt(TrustReportSchema, fm({ pessimistic_latency: 'measured_p99' }))).toEqual([]);
    expect(refusedAt(TrustReportSchema, fm({ pessimistic_latency: 'double' }))).toEqual([]);
    const sold = changed(trust, (r) => ((r.markouts[0] as { side: string }).side = 'sell'));
    expect(refusedAt(TrustReportSchema, sold)).toEqual([]);
    const queue = { configured: 'conservative', maker_fills: 2, shadow_fills: 1, pnl: { conservative: 1, probabilistic: 2 } };
    expect(refusedAt(TrustReportSchema, fm({ queue }))).toEqual([]);
    expect(refusedAt(TrustReportSchema, fm({ queue: { ...queue, configured: 'probabilistic' } }))).toEqual([]);
    expect(refusedAt(TrustReportSchema, fm({ queue: { ...queue, configured: 'fifo' } }))).toEqual(['fill_models.queue.configured']);
    expect(refusedAt(TrustReportSchema, fm({ queue: { ...queue, maker_fills: -1 } }))).toEqual(['fill_models.queue.maker_fills']);
  });

  it('refuses a strategy row with a fractional fill count', () => {
    const row = {
      name: 'a',
      strategy: 'fair_value',
      fills: 3,
      rejects: 0,
      realized_pnl: 1,
      equity: 1_001,
      pnl_low: 0.5,
      pnl_high: 1.5,
      confirmed_share: null,
      markout_5s: 0.01,
      brier: null,
    };
    expect(refusedAt(StrategiesResponseSchema, { strategies: [row] })).toEqual([]);
    expect(refusedAt(StrategiesResponseSchema, { strategies: [{ ...row, fills: 2.5 }] })).toEqual(['strategies.0.fills']);
    expect(refusedAt(StrategiesResponseSchema, { strategies: [{ ...row, rejects: -1 }] })).toEqual(['strategies.0.rejects']);
  });
});
