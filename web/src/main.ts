/**
 * The dashboard: one WebSocket to the lab, a model built from its `connected` snapshot
 * and events, and six panels drawn at most a few times a second (charts take their
 * queued points every frame). It only reads: the page has no control that could place,
 * cancel or route an order, and the lab has no such endpoint. The Trust panel polls
 * GET /trust and GET /strategies (trustPoll.ts).
 */
import './zodJitless.ts';
import { OutputEventSchema } from '../../src/core/outputs.ts';
import { WsConnectedSchema } from '../../src/core/wire.ts';
import { DashboardModel, type PanelId } from './model.ts';
import { LabConnection, type ConnStatus } from './conn.ts';
import { clock } from './format.ts';
import { FeedHealthPanel } from './panels/feedHealth.ts';
import { ReferencePanel } from './panels/reference.ts';
import { MarketsPanel } from './panels/markets.ts';
import { FillsPanel } from './panels/fills.ts';
import { RiskPanel } from './panels/risk.ts';
import { PnlPanel } from './panels/pnl.ts';
import { TrustPanel } from './panels/trust.ts';
import { pollTrust } from './trustPoll.ts';
import './style.css';

/** Tables redraw at most this often; a table changing faster cannot be read anyway. */
const TABLE_MIN_MS = 200;

const $ = (id: string) => document.getElementById(id)!;
const body = (panel: string) => document.querySelector<HTMLElement>(`[data-panel="${panel}"] .body`)!;

const model = new DashboardModel();
const panels = {
  feed: new FeedHealthPanel(body('feed')),
  reference: new ReferencePanel(body('reference')),
  markets: new MarketsPanel(body('markets')),
  fills: new FillsPanel(body('fills')),
  risk: new RiskPanel(body('risk')),
  pnl: new PnlPanel(body('pnl')),
};
const lastDrawn = new Map<PanelId, number>();
let status: ConnStatus = { state: 'connecting', attempt: 0, retryAtMs: null, lastClose: null };

function onFrame(text: string): void {
  let msg: unknown;
  try {
    msg = JSON.parse(text);
  } catch {
    model.badFrames += 1;
    return;
  }
  const type = typeof msg === 'object' && msg !== null ? (msg as { event_type?: unknown }).event_type : undefined;
  if (type === 'pong') return;
  if (type === 'connected') {
    const c = WsConnectedSchema.safeParse(msg);
    if (c.success) model.load(c.data.snapshot, c.data.ts_unix_ms);
    else model.badFrames += 1;
    return;
  }
  const e = OutputEventSchema.safeParse(msg);
  if (e.success) model.apply(e.data);
  else model.badFrames += 1;
}

function renderHeader(): void {
  const run = model.run;
  const runText = run
    ? `run ${run.run_id} · ${run.mode}${run.seed !== null ? ` seed ${run.seed}` : ''} · ${run.strategy} · ${run.stopped_ms !== null ? `stopped at ${clock(run.stopped_ms)}` : `running, ${clock(model.nowMs)} UTC`}`
    : 'no run yet';
  $('run').textContent = runText + (model.badFrames > 0 ? ` · ${model.badFrames} bad frames` : '');
  $('run').className = run?.stopped_ms != null ? 'run stopped' : 'run';
}

function renderBanner(): void {
  const banner = $('banner');
  const conn = $('conn');
  const open = status.state === 'open';
  banner.hidden = open;
  document.body.classList.toggle('offline', !open);
  conn.textContent = open ? 'live' : status.state === 'connecting' ? 'connecting…' : 'disconnected';
  conn.className = `conn ${open ? 'ok' : 'down'}`;
  if (open) return;
  const wait = status.retryAtMs === null ? 0 : Math.max(0, Math.ceil((status.retryAtMs - Date.now()) / 1000));
  const why = status.lastClose ? ` (${status.lastClose})` : '';
  banner.textContent =
    status.state === 'waiting'
      ? `Disconnected from the lab${why}. Reconnecting in ${wait} s (attempt ${status.attempt})… The figures below are as of the disconnection.`
      : `Connecting to the lab${why}…`;
}

function frame(now: number): void {
  const feed = model.takePending();
  panels.reference.feed(feed);
  panels.risk.feed(feed);
  panels.pnl.feed(feed);
  for (const id of model.dirty) {
    if (now - (lastDrawn.get(id) ?? -Infinity) < TABLE_MIN_MS) continue;
    model.dirty.delete(id);
    lastDrawn.set(id, now);
    if (id === 'header') renderHeader();
    else panels[id].render(model);
  }
  renderBanner();
  requestAnimationFrame(frame);
}

const wsUrl = `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/ws`;
new LabConnection(wsUrl, {
  onFrame,
  onStatus: (s) => {
    status = s;
    renderBanner();
  },
});
requestAnimationFrame(frame);
const trust = new TrustPanel(body('trust'));
pollTrust(
  (d) => trust.render(d),
  (why) => trust.error(why),
  () => status.state === 'open',
);
