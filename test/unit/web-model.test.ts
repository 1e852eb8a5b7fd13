// Goal: the dashboard's model draws a useful state from the `connected` snapshot alone, follows the stream with bounded lists, computes fill latency, shows the engine's own fair value (from its signals), drawdown, kill switch and stand-down, and starts over on a new run.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/app/config.ts';
import type { OutputEvent } from '../../src/core/outputs.ts';
import type { MarketInfo } from '../../src/core/events.ts';
import { SIM_START_MS, SimFeed } from '../../src/sim/sim.ts';
import { buildEngine } from '../../src/app/engineFactory.ts';
import { createApiParts } from '../../src/api/start.ts';
import { WsSnapshotSchema } from '../../src/core/wire.ts';
import { DashboardModel, LIMITS } from '../../web/src/model.ts';

/** The engine's outputs for `minutes` of the seeded sim, and the API parts fed with them (for a real snapshot). */
function simRun(minutes: number) {
  const parts = createApiParts({ mode: 'sim', wsMaxRateHz: 4, wsMaxBufferBytes: 1 << 20 });
  const engine = buildEngine(loadConfig({ POLYLAB_SIM_MARKET: 'noisy' }), 'sim', 'model-7', 7);
  const events: OutputEvent[] = [...engine.start(SIM_START_MS)];
  for (const e of new SimFeed({ seed: 7, market: 'noisy' }).events()) {
    if (e.ts_unix_ms - SIM_START_MS > minutes * 60_000) break;
    events.push(...engine.step(e));
  }
  for (const e of events) parts.sink(e);
  parts.hub.close();
  parts.metrics.close();
  // Through JSON, as a client receives it.
  const snapshot = WsSnapshotSchema.parse(JSON.parse(JSON.stringify(parts.snapshot())));
  return { events, snapshot, engine };
}

describe('dashboard model', () => {
  it('renders from the snapshot alone: run, sources, markets, fills with latency, charts, PnL', () => {
    const { snapshot, engine } = simRun(20);
    const m = new DashboardModel();
    m.load(snapshot, 0);
    expect(m.run?.run_id).toBe('model-7');
    expect([...m.sources.keys()]).toEqual(expect.arrayContaining(['coinbase', 'okx', 'polymarket_sim']));
    expect(m.markets.size).toBeGreaterThanOrEqual(1);
    expect(m.fills.length).toBe(Math.min(LIMITS.fills, engine.counters.fills));
    // IOC fills match POLYLAB_LATENCY_MS after the decision (250 ms by default) or at the next book after it.
    for (const f of m.fills) expect(f.latency_ms).toBeGreaterThanOrEqual(250);
    const feed = m.takePending();
    expect(feed.reset).toBe(true);
    expect(feed.median.length).toBeGreaterThan(100);
    expect(feed.equity.length).toBeGreaterThan(10);
    expect(m.pnl?.equity).toBe(snapshot.pnl?.equity);
    expect(m.settlements.length).toBe(1);
    // The settled window's positions are gone; only the open window's remain.
    for (const p of m.positions.values()) expect(m.markets.has(p.market_id)).toBe(true);
    expect(m.takePending().reset).toBe(false);
  });

  it("shows the engine's fair value of a market from its latest signal, from the snapshot and from the stream alike", () => {
    const { snapshot, events } = simRun(20);
    const fromSnapshot = new DashboardModel();
    fromSnapshot.load(snapshot, 0);
    const fromStream = new DashboardModel();
    for (const e of events) fromStream.apply(e);
    const markets = [...fromStream.markets.values()].map((r) => r.info);
    let checked = 0;
    for (const info of markets) {
      const signals = events.filter((e) => e.event_type === 'signal' && e.market_id === info.market_id);
      const last = signals.at(-1);
      if (last?.event_type !== 'signal' || typeof last.numbers.fair !== 'number') continue;
      // The engine prices Down at 1 − fair Up: the page shows Up.
      const up = last.outcome === 'Up' ? last.numbers.fair : 1 - last.numbers.fair;
      expect(fromStream.fairUp(info)).toEqual({ up, ts_unix_ms: last.ts_unix_ms });
      expect(fromSnapshot.fairUp(info)).toEqual({ up, ts_unix_ms: last.ts_unix_ms });
      checked += 1;
    }
    expect(checked).toBeGreaterThanOrEqual(1);
  });

  it('keeps at most the configured number of fills and rejects while following the stream', () => {
    const { events } = simRun(60);
    const m = new DashboardModel();
    for (const e of events) m.apply(e);
    const fills = events.filter((e) => e.event_type === 'paper_fill');
    expect(fills.length).toBeGreaterThan(LIMITS.fills);
    expect(m.fills).toHaveLength(LIMITS.fills);
    expect(m.fills[0]!.fill).toEqual(fills[fills.length - 1]);
    expect(m.rejects.length).toBeLessThanOrEqual(LIMITS.rejects);
    expect(m.maxDrawdown).toBeGreaterThanOrEqual(m.drawdown());
    expect(m.settlements.length).toBe(3);
    for (const p of m.positions.values()) expect(m.markets.has(p.market_id)).toBe(true);
  });

  it('shows the kill switch for the rest of its UTC day and the stand-down until the next median', () => {
    const m = new DashboardModel();
    const day = Date.UTC(2026, 0, 1);
    m.apply({
      event_type: 'risk_reject',
      reason: 'daily_loss_limit',
      market_id: 'm',
      intent_id: 'i1',
      numbers: { day_pnl: -600 },
      ts_unix_ms: day + 3_600_000,
    });
    expect(m.killSwitchActive()).toBe(true);
    m.apply({
      event_type: 'risk_reject',
      reason: 'no_reference_price',
      market_id: null,
      intent_id: null,
      numbers: {},
      ts_unix_ms: day + 3_700_000,
    });
    expect(m.risk.standDownSinceMs).toBe(day + 3_700_000);
    m.apply({ event_type: 'btc_median', px_median: 64_000, px_spread_bps: 1, venue_count: 4, ts_unix_ms: day + 3_800_000 });
    expect(m.risk.standDownSinceMs).toBeNull();
    m.apply({ event_type: 'btc_median', px_median: 64_000, px_spread_bps: 1, venue_count: 4, ts_unix_ms: day + 86_400_000 });
    expect(m.killSwitchActive()).toBe(false);
  });

  it('starts over when a new run starts', () => {
    const { snapshot } = simRun(20);
    const m = new DashboardModel();
    m.load(snapshot, 0);
    m.takePending();
    m.apply({ event_type: 'run_started', run_id: 'sim-8', mode: 'sim', seed: 8, strategy: 'divergence', ts_unix_ms: SIM_START_MS });
    expect(m.run?.run_id).toBe('sim-8');
    expect(m.fills).toEqual([]);
    expect(m.markets.size).toBe(0);
    expect(m.pnl).toBeNull();
    expect(m.takePending().reset).toBe(true);
  });

  it("redraws the header's running clock when the input second moves, with no fill needed", () => {
    const m = new DashboardModel();
    m.apply({ event_type: 'run_started', run_id: 'sim-8', mode: 'sim', seed: 8, strategy: 'divergence', ts_unix_ms: SIM_START_MS });
    m.dirty.clear();
    const median = (ts: number) =>
      m.apply({ event_type: 'btc_median', px_median: 64_000, px_spread_bps: 1, venue_count: 4, ts_unix_ms: ts });
    median(SIM_START_MS + 400);
    expect(m.dirty.has('header')).toBe(false);
    median(SIM_START_MS + 1_000);
    expect(m.dirty.has('header')).toBe(true);
    m.dirty.clear();
    median(SIM_START_MS + 1_999);
    expect(m.dirty.has('header')).toBe(false);
    median(SIM_START_MS + 2_000);
    expect(m.dirty.has('header')).toBe(true);
  });
});

describe("dashboard model: the market socket's book line", () => {
  it("is the line /feed/health gives, counted from the books by the server's own age limit, from the snapshot and from the stream", () => {
    const parts = createApiParts({ mode: 'paper-live', wsMaxRateHz: 4, wsMaxBufferBytes: 1 << 20, bookMaxAgeMs: 2_000 });
    const t0 = 1_767_225_600_000;
    const up = '1'.repeat(76);
    const down = '2'.repeat(76);
    const market: MarketInfo = {
      market_id: '0xabc',
      slug: 'btc-updown-5m-1767225600',
      question: 'Bitcoin Up or Down',
      family: '5m',
      window_start_ms: t0,
      window_end_ms: t0 + 300_000,
      tokens: [
        { token_id: up, outcome: 'Up' },
        { token_id: down, outcome: 'Down' },
      ],
      tick_size: 0.01,
      min_size: 5,
      fee: { rate: 0.07, exponent: 1, taker_only: true },
      resolution: { rule: 'end_gte_start', source: 'chainlink' },
      price_to_beat: null,
      price_to_beat_estimated: false,
    };
    const quote = (token: string, outcome: 'Up' | 'Down', ts: number): OutputEvent => ({
      event_type: 'quote',
      market_id: market.market_id,
      token_id: token,
      outcome,
      best_bid: 0.5,
      best_ask: 0.52,
      mid: 0.51,
      bid_depth: 100,
      ask_depth: 100,
      ts_unix_ms: ts,
    });
    const events: OutputEvent[] = [
      { event_type: 'market_discovered', market, ts_unix_ms: t0 },
      quote(up, 'Up', t0 + 1_000),
      quote(down, 'Down', t0 + 1_000),
      quote(up, 'Up', t0 + 4_500),
      {
        event_type: 'feed_health',
        source: 'polymarket_ws',
        state: 'live',
        reason: null,
        messages: 10,
        trades: 0,
        parse_errors: 0,
        rejected: 0,
        reconnects: 0,
        last_message_age_ms: 0,
        counts: { books_tracked: 2 },
        venues_contributing: 0,
        ts_unix_ms: t0 + 5_000,
      },
    ];
    for (const e of events) parts.sink(e);
    const snapshot = WsSnapshotSchema.parse(JSON.parse(JSON.stringify(parts.snapshot())));
    parts.hub.close();
    parts.metrics.close();
    const server = snapshot.feed_health.sources.find((s) => s.source === 'polymarket_ws')!;
    // The Down book changed 4 s ago: past the server's 2 s limit (the default 10 s would call it live).
    expect(server.reason).toBe('1/2 books live, oldest update 0.5 s ago');
    expect(server.counts).toEqual({ books_tracked: 2, books_live: 1 });
    expect(snapshot.feed_health.books.filter((b) => b.live)).toHaveLength(1);

    const fromSnapshot = new DashboardModel();
    fromSnapshot.load(snapshot, 0);
    expect(fromSnapshot.sources.get('polymarket_ws')).toMatchObject({ reason: server.reason, counts: server.counts });
    // Then the stream: a fresh Down book makes both live.
    fromSnapshot.apply(quote(down, 'Down', t0 + 5_100));
    expect(fromSnapshot.sources.get('polymarket_ws')!.reason).toBe('2/2 books live, oldest update 0.6 s ago');
  });
});
