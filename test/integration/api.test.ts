// Goal: every REST route of the running API answers with its declared shape, errors are coded JSON, and readiness follows the feeds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIM_START_MS } from '../../src/sim/sim.ts';
import {
  ErrorBodySchema,
  FeedHealthResponseSchema,
  FillsResponseSchema,
  HealthzResponseSchema,
  MarketsResponseSchema,
  PnlResponseSchema,
  PositionsResponseSchema,
  ReadyzResponseSchema,
  RejectsResponseSchema,
  RunsResponseSchema,
} from '../../src/core/wire.ts';
import { getJson, startHarness, type Harness } from './apiHarness.ts';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

describe('REST API on a real server fed by the seeded sim', () => {
  it('is live but not ready before a median and a book exist', async () => {
    const live = await getJson(`${h.url}/healthz`);
    expect(live.status).toBe(200);
    HealthzResponseSchema.parse(live.body);
    const ready = await getJson(`${h.url}/readyz`);
    expect(ready.status).toBe(503);
    const r = ReadyzResponseSchema.parse(ready.body);
    expect(r.ready).toBe(false);
    expect(r.reason).toBe('no live reference price');
  });

  it('becomes ready once the sim has produced a median and a market book', async () => {
    await h.pump(5 * 60_000);
    const ready = await getJson(`${h.url}/readyz`);
    expect(ready.status).toBe(200);
    const r = ReadyzResponseSchema.parse(ready.body);
    expect(r).toMatchObject({ ready: true, reference_live: true, reason: null });
    expect(r.books_live).toBeGreaterThanOrEqual(1);
  });

  it('reports feed health per source, including a Polymarket source, and the venues contributing', async () => {
    const ts = SIM_START_MS + h.simMs();
    const status = {
      event_type: 'venue_status',
      state: 'live',
      reason: null,
      messages: 120,
      trades: 100,
      parse_errors: 2,
      rejected: 1,
      reconnects: 3,
      last_message_ts_ms: ts,
      ts_unix_ms: ts,
    } as const;
    h.step({ ...status, source: 'coinbase' });
    h.step({ ...status, source: 'polymarket_ws', state: 'stale', reason: 'no message for 30 s' });
    const res = await getJson(`${h.url}/feed/health`);
    expect(res.status).toBe(200);
    const body = FeedHealthResponseSchema.parse(res.body);
    expect(body.mode).toBe('sim');
    // The sim's own reports (six venues and its books) plus the two injected above.
    expect(body.sources.map((s) => s.source).sort()).toEqual([
      'binance',
      'bitstamp',
      'bybit',
      'coinbase',
      'kraken',
      'okx',
      'polymarket_sim',
      'polymarket_ws',
    ]);
    expect(body.sources.find((s) => s.source === 'coinbase')).toMatchObject({
      messages: 120,
      parse_errors: 2,
      reconnects: 3,
      state: 'live',
    });
    expect(body.polymarket_state).toBe('stale');
    expect(body.venues_contributing).toBeGreaterThanOrEqual(2);
    expect(body.reference.px_median).toBeGreaterThan(1000);
  });

  it('serves positions, fills (newest first, limited, filtered), rejects, pnl and runs', async () => {
    const positions = PositionsResponseSchema.parse((await getJson(`${h.url}/positions`)).body);
    expect(positions.positions.length).toBeGreaterThanOrEqual(1);
    expect(positions.positions.every((p) => p.qty > 0)).toBe(true);

    const fills = FillsResponseSchema.parse((await getJson(`${h.url}/fills?limit=3`)).body);
    expect(fills.fills).toHaveLength(3);
    expect(fills.total).toBe(h.engine.counters.fills);
    expect(fills.fills[0]!.ts_unix_ms).toBeGreaterThanOrEqual(fills.fills[2]!.ts_unix_ms);
    const marketId = fills.fills[0]!.market_id;
    const filtered = FillsResponseSchema.parse((await getJson(`${h.url}/fills?market_id=${marketId}`)).body);
    expect(filtered.fills.every((f) => f.market_id === marketId)).toBe(true);
    const none = FillsResponseSchema.parse((await getJson(`${h.url}/fills?market_id=nope`)).body);
    expect(none.fills).toEqual([]);

    RejectsResponseSchema.parse((await getJson(`${h.url}/rejects`)).body);
    const pnl = PnlResponseSchema.parse((await getJson(`${h.url}/pnl`)).body);
    expect(pnl.pnl?.fees).toBeGreaterThan(0);
    const runs = RunsResponseSchema.parse((await getJson(`${h.url}/runs`)).body);
    expect(runs.runs).toHaveLength(1);
    expect(runs.runs[0]).toMatchObject({
      run_id: 'test-run-7',
      mode: 'sim',
      seed: 7,
      current: true,
      stopped_ms: null,
      fills: h.engine.counters.fills,
    });
  });

  it('counts rejects by reason', async () => {
    h.step({ event_type: 'timer', ts_unix_ms: SIM_START_MS + h.simMs() + 60_000 }); // every venue stale → the strategy stands down
    const body = RejectsResponseSchema.parse((await getJson(`${h.url}/rejects?limit=1`)).body);
    expect(body.rejects[0]!.reason).toBe('no_reference_price');
    expect(body.by_reason.no_reference_price).toBeGreaterThanOrEqual(1);
    expect(body.occurrences).toBeGreaterThanOrEqual(body.total);
    expect(body.occurrences_by_reason.no_reference_price).toBeGreaterThanOrEqual(body.by_reason.no_reference_price!);
    const ready = await getJson(`${h.url}/readyz`);
    expect(ready.status).toBe(503);
  });

  it('lists discovered markets with the latest best bid and ask per token', async () => {
    const before = MarketsResponseSchema.parse((await getJson(`${h.url}/markets/discovered`)).body);
    expect(before.markets.length).toBeGreaterThanOrEqual(1);
    const m = before.markets[0]!.market;
    // Serve each token two books in a row (after the stand-down timer of the test above); the API must show the second one's touch.
    const ts = SIM_START_MS + h.simMs() + 120_000;
    const served: Record<string, { bid: number; ask: number }> = {};
    m.tokens.forEach((t, i) => {
      const bid = 0.31 + 0.1 * i;
      const ask = bid + 0.03;
      h.step({
        event_type: 'book_snapshot',
        market_id: m.market_id,
        token_id: t.token_id,
        bids: [[0.2, 5]],
        asks: [[0.9, 5]],
        ts_exchange_ms: ts,
        ts_unix_ms: ts,
      });
      h.step({
        event_type: 'book_snapshot',
        market_id: m.market_id,
        token_id: t.token_id,
        bids: [
          [bid, 40],
          [bid - 0.01, 90],
        ],
        asks: [
          [ask, 25],
          [ask + 0.02, 60],
        ],
        ts_exchange_ms: ts,
        ts_unix_ms: ts,
      });
      served[t.token_id] = { bid, ask };
    });
    const after = MarketsResponseSchema.parse((await getJson(`${h.url}/markets/discovered`)).body);
    const q = after.markets.find((x) => x.market.market_id === m.market_id)!.quotes;
    expect(q.map((t) => t.token_id)).toEqual(m.tokens.map((t) => t.token_id));
    for (const t of q) {
      expect(t.best_bid).toBeCloseTo(served[t.token_id]!.bid, 12);
      expect(t.best_ask).toBeCloseTo(served[t.token_id]!.ask, 12);
      expect(t.ts_unix_ms).toBe(ts);
    }
  });

  it('answers unknown routes with a 404 JSON error', async () => {
    const res = await getJson(`${h.url}/no/such/route?x=1`);
    expect(res.status).toBe(404);
    expect(res.type).toContain('application/json');
    expect(ErrorBodySchema.parse(res.body).error).toMatchObject({ code: 'NOT_FOUND', message: 'no route GET /no/such/route' });
  });

  it.each(['limit=abc', 'limit=-1', 'limit=0', 'limit=1.5', 'limit=100000'])('rejects %s with a 400 naming the field', async (query) => {
    for (const route of ['fills', 'rejects']) {
      const res = await getJson(`${h.url}/${route}?${query}`);
      expect(res.status).toBe(400);
      const err = ErrorBodySchema.parse(res.body).error;
      expect(err.code).toBe('BAD_REQUEST');
      expect(err.field).toBe('limit');
      expect(err.message).toContain('limit');
    }
  });

  it('exposes Prometheus metrics with the documented names', async () => {
    const res = await fetch(`${h.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    for (const name of [
      'polylab_feed_messages_total',
      'polylab_feed_parse_errors_total',
      'polylab_feed_reconnects_total',
      'polylab_paper_fills_total',
      'polylab_risk_rejects_total',
      'polylab_event_loop_lag_seconds',
      'polylab_ws_clients',
    ])
      expect(text).toContain(name);
    expect(text).toContain('polylab_feed_parse_errors_total{source="coinbase"} 2');
    expect(text).toContain('polylab_risk_rejects_total{reason="no_reference_price"}');
    expect(text).toMatch(new RegExp(`polylab_paper_fills_total ${h.engine.counters.fills}\\b`));
  });

  it('serves an OpenAPI document listing every route with its response schema', async () => {
    const res = await getJson(`${h.url}/openapi.json`);
    expect(res.status).toBe(200);
    const doc = res.body as { openapi: string; paths: Record<string, { get?: { responses?: Record<string, unknown> } }> };
    expect(doc.openapi).toMatch(/^3\./);
    for (const p of [
      '/feed/health',
      '/markets/discovered',
      '/positions',
      '/fills',
      '/rejects',
      '/pnl',
      '/runs',
      '/healthz',
      '/readyz',
      '/metrics',
    ]) {
      expect(doc.paths[p], p).toBeDefined();
    }
    expect(JSON.stringify(doc.paths['/fills']!.get!.responses!['200'])).toContain('fill_px');
    expect(JSON.stringify(doc.paths['/feed/health'])).toContain('venues_contributing');
  });
});
