/**
 * One call for the composition root: build LabState, metrics, WS hub and the Fastify app,
 * listen on cfg.host:cfg.port, and hand back the sink to subscribe to the engine's output,
 * the bound URL and a close function.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../config.ts';
import type { OutputEvent } from '../core/outputs.ts';
import { ApiMetrics } from './metrics.ts';
import type { RunMode } from './schemas.ts';
import { buildApi, startApi } from './server.ts';
import { LabState } from './state.ts';
import { WsHub } from './ws.ts';
import { openJournalReadonly, type Db } from '../journal/db.ts';

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
  closeGraceMs?: number;
  onDrop?: (reason: string, clientId: number) => void;
}

export function createApiParts(opts: ApiPartsOptions): ApiParts {
  const state = new LabState({ mode: opts.mode, recentMax: opts.recentMax });
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

export async function startApiFor(cfg: Config, log: FastifyBaseLogger): Promise<RunningApi> {
  const parts = createApiParts({
    mode: cfg.mode, wsMaxRateHz: cfg.wsMaxRateHz, wsMaxBufferBytes: cfg.wsMaxBufferBytes, wsFlushMs: cfg.wsFlushMs,
    onDrop: (reason, clientId) => log.warn({ clientId, reason }, `ws client ${clientId} disconnected: ${reason}`),
  });
  // The history routes read the journal the run writes (read-only; it exists once the run's session is open).
  let journal: Db | undefined;
  try {
    journal = openJournalReadonly(cfg.dataDir);
  } catch (err) {
    log.warn({ err }, 'API without the journal: /fills, /rejects and /runs show this process only');
  }
  const app = await buildApi({ ...parts, logger: log.child({ component: 'api' }), journal });
  const close = async () => {
    parts.hub.close();
    await app.close();
    parts.metrics.close();
    journal?.close();
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
