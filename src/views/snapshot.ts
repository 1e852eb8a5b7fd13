/**
 * A RunView to and from the wire: the `connected` snapshot the API sends a new WebSocket
 * client, and the view the dashboard rebuilds from it before it applies the events that
 * follow. One shape both ways, so the page and the server show the same state.
 */
import type { DashboardHistory, FeedWarning, RunMode, TokenQuote, WsSnapshot } from '../core/wire.ts';
import { feedHealthOf, type LivenessLimits } from './liveness.ts';
import type { RunView } from './runView.ts';

/** Recent fills and rejects in a snapshot (newest first). */
export const SNAPSHOT_RECENT = 50;
/** Intents in a snapshot: a fill usually follows its intent within seconds. */
export const SNAPSHOT_INTENTS = 2_000;

/** The short past of the current run, oldest first, each series bounded. */
export function historyOf(v: RunView, intentsMax = SNAPSHOT_INTENTS): DashboardHistory {
  const intents = [...v.intents].slice(-intentsMax);
  return {
    last_median: v.median,
    median: v.series.median.oldestFirst(),
    equity: v.series.equity.oldestFirst(),
    rejects: v.series.rejects.oldestFirst(),
    settlements: v.settlements.oldestFirst(),
    intent_ms: Object.fromEntries(intents.map(([id, n]) => [id, n.ts_unix_ms])),
  };
}

export function snapshotOf(v: RunView, limits: LivenessLimits, warnings: FeedWarning[], fallbackMode: RunMode): WsSnapshot {
  const run = v.currentRun();
  return {
    mode: v.mode ?? fallbackMode,
    run: run ? { ...run } : null,
    feed_health: feedHealthOf(v, limits, warnings, fallbackMode),
    markets: [...v.markets.values()].map((m) => m.view),
    positions: [...v.account.positions.values()],
    recent_fills: v.fills.newest(SNAPSHOT_RECENT),
    pnl: v.pnl,
    recent_rejects: v.rejects.newest(SNAPSHOT_RECENT),
    rejects_by_reason: Object.fromEntries(v.rejectsByReason),
    history: historyOf(v),
    orders: v.orders.list(),
  };
}

/** Rebuilds a fresh view from a snapshot: what the dashboard draws until the next event. */
export function loadSnapshot(v: RunView, s: WsSnapshot): void {
  v.mode = s.mode;
  if (s.run) v.runs.push({ ...s.run });
  v.latestTsMs = s.feed_health.ts_unix_ms ?? s.run?.started_ms ?? null;
  v.median = s.history.last_median;
  for (const src of s.feed_health.sources) v.sources.set(src.source, { ...src, msgs_per_s: null });
  for (const m of s.markets) {
    v.onDiscovered(m.market, m.discovered_ms);
    const quotes = v.markets.get(m.market.market_id)!.quotes;
    for (const q of m.quotes) Object.assign(quotes.get(q.token_id) ?? ({} as TokenQuote), q);
  }
  for (const p of s.positions) v.account.onPosition(p);
  for (const [id, ms] of Object.entries(s.history.intent_ms)) v.intents.set(id, { ts_unix_ms: ms, fair: null });
  for (const f of [...s.recent_fills].reverse()) v.fills.push(f);
  for (const r of [...s.recent_rejects].reverse()) {
    v.rejects.push(r);
    v.noteRisk(r);
  }
  for (const [r, n] of Object.entries(s.rejects_by_reason)) v.rejectsByReason.set(r, n);
  for (const e of s.history.settlements) v.settlements.push(e);
  for (const p of s.history.median) v.series.median.push(p);
  for (const p of s.history.equity) {
    v.series.equity.push(p);
    v.noteEquity(p.equity);
  }
  for (const r of s.history.rejects) v.series.rejects.push(r);
  v.orders.load(s.orders ?? []);
  v.pnl = s.pnl;
  if (s.pnl) v.noteEquity(s.pnl.equity);
}
