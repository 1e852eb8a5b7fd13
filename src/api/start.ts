/**
 * One call for the composition root: build LabState, metrics, WS hub and the Fastify app,
 * listen on cfg.host:cfg.port, and hand back the sink to subscribe to the engine's output,
 * the bound URL and a close function.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { OutputEvent } from '../core/outputs.ts';
import { ApiMetrics } from './metrics.ts';
import type { RunMode } from './schemas.ts';
import { buildApi, startApi } from './server.ts';
import { LabState } from './state.ts';
import { WsHub } from './ws.ts';

export interface ApiParts {
  state: LabState;
  metrics: ApiMetrics;
  hub: WsHub;
  /** Subscribe this to the engine's outputs: state first, so a snapshot includes the event. */
  sink: (e: OutputEvent) => void;
}

export interface ApiPartsOptions {
  mode: RunMode;
  wsMaxRateHz: number;
  wsMaxBufferBytes: number;
  wsFlushMs?: number;
  recentMax?: number;
  /** A book unchanged this long is not live in /feed/health and /readyz. */
  bookMaxAgeMs?: number;
  closeGraceMs?: number;
  onDrop?: (reason: string, clientId: number) => void;
}

export function createApiParts(opts: ApiPartsOptions): ApiParts {
  const state = new LabState({ mode: opts.mode, recentMax: opts.recentMax, bookMaxAgeMs: opts.bookMaxAgeMs });
  const metrics = new ApiMetrics();
  const hub = new WsHub({
    maxRateHz: opts.wsMaxRateHz, maxBufferBytes: opts.wsMaxBufferBytes, flushMs: opts.wsFlushMs, metrics, closeGraceMs: opts.closeGraceMs, onDrop: opts.onDrop,
    snapshot: () => ({
      mode: state.mode, run: state.currentRun(), feed_health: state.feedHealth(), markets: state.marketList(),
      positions: state.positionList(), recent_fills: state.recentFills(50), pnl: state.pnl(),
    }),
  });
  const sink = (e: OutputEvent) => {
    state.apply(e);
    metrics.apply(e);
    hub.publish(e);
  };
  return { state, metrics, hub, sink };
}

export interface RunningApi {
  sink: (e: OutputEvent) => void;
  url: string;
  parts: ApiParts;
  close: () => Promise<void>;
}

/** The settings the API is started with (a subset of the lab's config). */
export interface ApiConfig {
  mode: RunMode;
  host: string;
  port: number;
  wsMaxRateHz: number;
  wsMaxBufferBytes: number;
  wsFlushMs: number;
  /** POLYLAB_RISK_MAX_BOOK_AGE_MS: the age past which a book is not live. */
  riskMaxBookAgeMs?: number;
}

export async function startApiFor(cfg: ApiConfig, log: FastifyBaseLogger): Promise<RunningApi> {
  const parts = createApiParts({
    mode: cfg.mode, wsMaxRateHz: cfg.wsMaxRateHz, wsMaxBufferBytes: cfg.wsMaxBufferBytes, wsFlushMs: cfg.wsFlushMs, bookMaxAgeMs: cfg.riskMaxBookAgeMs,
    onDrop: (reason, clientId) => log.warn({ clientId, reason }, `ws client ${clientId} disconnected: ${reason}`),
  });
  const app = await buildApi({ ...parts, logger: log.child({ component: 'api' }) });
  const close = async () => {
    parts.hub.close();
    await app.close();
    parts.metrics.close();
  };
  let url: string;
  try {
    url = await startApi(app, cfg.host, cfg.port);
  } catch (err) {
    await close();
    throw err;
  }
  return { sink: parts.sink, url, parts, close };
}
