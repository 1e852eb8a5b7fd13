/**
 * One call for the composition root: build LabState (the read model), metrics, WS hub and the Fastify app,
 * listen on cfg.host:cfg.port, and hand back the sink to subscribe to the engine's output,
 * the bound URL and a close function.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { OutputEvent } from '../core/outputs.ts';
import type { TrustSources } from './trustRoutes.ts';
import { ApiMetrics } from './metrics.ts';
import type { RunMode, WsSnapshot } from '../core/wire.ts';
import { buildApi, startApi } from './server.ts';
import { closeWithin, trackSockets } from './shutdown.ts';
import { LabState } from './state.ts';
import { WsHub } from './ws.ts';
import { warnIfExposed } from './wsGuard.ts';
import { openJournalReadonly, type Db } from '../journal/db.ts';
import { BurstLog } from '../net/burstLog.ts';

export interface ApiParts {
  state: LabState;
  metrics: ApiMetrics;
  hub: WsHub;
  /** What a WebSocket client gets first (`connected`). */
  snapshot: () => WsSnapshot;
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
  wsMaxClients?: number;
  wsClientMsgsPerS?: number;
}

export function createApiParts(opts: ApiPartsOptions): ApiParts {
  const state = new LabState({ mode: opts.mode, recentMax: opts.recentMax, bookMaxAgeMs: opts.bookMaxAgeMs });
  const metrics = new ApiMetrics();
  const snapshot = (): WsSnapshot => state.snapshot();
  const hub = new WsHub({
    maxRateHz: opts.wsMaxRateHz,
    maxBufferBytes: opts.wsMaxBufferBytes,
    flushMs: opts.wsFlushMs,
    metrics,
    closeGraceMs: opts.closeGraceMs,
    onDrop: opts.onDrop,
    maxClients: opts.wsMaxClients,
    clientMsgsPerS: opts.wsClientMsgsPerS,
    snapshot,
  });
  const sink = (e: OutputEvent) => {
    state.apply(e);
    metrics.apply(e);
    hub.publish(e);
  };
  return { state, metrics, hub, sink, snapshot };
}

export interface RunningApi {
  sink: (e: OutputEvent) => void;
  url: string;
  parts: ApiParts;
  close: () => Promise<void>;
}

/** How long shutdown waits for clients to finish before their sockets are destroyed. */
const CLOSE_GRACE_MS = 750;

/** The settings the API is started with (a subset of the lab's config). */
export interface ApiConfig {
  mode: RunMode;
  host: string;
  port: number;
  wsMaxRateHz: number;
  wsMaxBufferBytes: number;
  wsFlushMs: number;
  wsMaxClients: number;
  wsClientMsgsPerS: number;
  wsAllowedOrigins: readonly string[];
  /** The lab's data directory: the API pages through its journal. */
  dataDir: string;
  /** POLYLAB_RISK_MAX_BOOK_AGE_MS: the age past which a book is not live. */
  riskMaxBookAgeMs?: number;
}

/** How often a burst of client drops (a flood, too many clients) is summarized in the log at most. */
const DROP_LOG_INTERVAL_MS = 10_000;

export async function startApiFor(cfg: ApiConfig, log: FastifyBaseLogger, trust: TrustSources = {}): Promise<RunningApi> {
  // One line for the first drop of a burst, then one summary per interval: a flood of
  // clients must not become a flood of log lines (7,000 in 15 s before).
  const drops = new BurstLog(log, 'ws client disconnected', DROP_LOG_INTERVAL_MS, Date.now);
  const parts = createApiParts({
    mode: cfg.mode,
    wsMaxRateHz: cfg.wsMaxRateHz,
    wsMaxBufferBytes: cfg.wsMaxBufferBytes,
    wsFlushMs: cfg.wsFlushMs,
    bookMaxAgeMs: cfg.riskMaxBookAgeMs,
    wsMaxClients: cfg.wsMaxClients,
    wsClientMsgsPerS: cfg.wsClientMsgsPerS,
    closeGraceMs: CLOSE_GRACE_MS,
    onDrop: (reason, clientId) => drops.note(reason, { clientId }),
  });
  // The history routes read the journal the run writes (read-only; it exists once the run's session is open).
  let journal: Db | undefined;
  try {
    journal = openJournalReadonly(cfg.dataDir);
  } catch (err) {
    log.warn({ err }, 'API without the journal: /fills, /rejects and /runs show this process only');
  }
  const app = await buildApi({
    ...parts,
    ...trust,
    logger: log.child({ component: 'api' }),
    journal,
    guard: { bindHost: cfg.host, allowedOrigins: cfg.wsAllowedOrigins },
  });
  const sockets = trackSockets(app.server);
  warnIfExposed(cfg.host, log);
  const close = async () => {
    drops.flush();
    parts.hub.close();
    const outcome = await closeWithin(app.close(), sockets, CLOSE_GRACE_MS);
    if (outcome === 'forced') log.warn('API closed by force: a client did not finish in time');
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
