/**
 * One live venue: the shared ResilientSocket, the venue's pure adapter, and the counters
 * between them. It turns frames into `venue_trade` inputs and reports its health as
 * `venue_status` inputs on every state change and at least every `statusIntervalMs`.
 * Trade freshness is tracked apart from socket liveness: a venue without a trade for
 * `tradeStaleAfterMs` (since its last trade, or since the feed started) is shown `stale`
 * until a trade arrives, however often its connection is replaced meanwhile — a reconnect
 * does not make a quiet venue `live` again — and is reconnected once per that interval.
 * Duplicates, out-of-order and absurd prints are refused by the engine's trade filter
 * (pricing/tradeFilter.ts), the same in every mode. Nothing a venue sends can throw out of here.
 */
import type { Logger } from 'pino';
import type { FeedState, InputEvent, VenueStatus, VenueTrade } from '../core/events.ts';
import { ResilientSocket, socketHealth, type BackoffOptions, type FrameVerdict } from '../net/socket.ts';
import { BurstLog } from '../net/burstLog.ts';
import { BLOCKED_HINT } from '../net/refusal.ts';
import type { ParseResult, VenueAdapter } from './types.ts';
import type { RawTap } from '../net/tap.ts';

export interface VenueFeedTuning {
  /** No message at all for this long → the connection is stale and is replaced. */
  staleAfterMs: number;
  ackTimeoutMs: number;
  connectTimeoutMs: number;
  backoff: Partial<BackoffOptions>;
  /** A `venue_status` is emitted at least this often, state change or not. */
  statusIntervalMs: number;
  /** Overrides the adapter's ping interval (tests use short ones). */
  pingIntervalMs: number | null;
  /** Bad-input log lines per kind: the first, then one summary per interval. */
  badInputLogIntervalMs: number;
  /** A live connection without a trade for this long is stale and replaced. */
  tradeStaleAfterMs: number;
  /** Retry wait after the venue refused us with HTTP 451/403 (blocked where we connect from). */
  blockedRetryMs: number;
}

export const DEFAULT_TUNING: VenueFeedTuning = {
  staleAfterMs: 30_000,
  ackTimeoutMs: 10_000,
  connectTimeoutMs: 10_000,
  backoff: { initialMs: 500, maxMs: 30_000, factor: 2, jitter: 0.3 },
  statusIntervalMs: 5_000,
  pingIntervalMs: null,
  badInputLogIntervalMs: 10_000,
  tradeStaleAfterMs: 120_000,
  blockedRetryMs: 300_000,
};

export interface VenueFeedOptions {
  adapter: VenueAdapter;
  url: string;
  symbol: string;
  emit: (e: InputEvent) => void;
  /** A child logger for this venue. */
  log: Logger;
  now?: () => number;
  random?: () => number;
  tuning?: Partial<VenueFeedTuning>;
  /** Sees every raw frame (capture). */
  tap?: RawTap;
}

/**
 * The feed's health: its `venue_status` input itself (the one shape from the socket to
 * `feed_health`), plus what only the feed's own callers read (the offline hint, tests).
 */
export type VenueFeedStats = VenueStatus & {
  venue: string;
  url: string;
  seq_gaps: number;
  last_error: string | null;
  /** Trades known to be missing from the gaps (sum of the gap widths). */
  seq_missing: number;
  /** True once the feed has been live at least once. */
  ever_live: boolean;
  /** Receive time of the last trade (null: none yet). */
  last_trade_ms: number | null;
  /** Times the connection was replaced for carrying no trades. */
  trade_stalls: number;
};

export class VenueFeed {
  private readonly socket: ResilientSocket;
  private readonly tuning: VenueFeedTuning;
  private readonly now: () => number;
  private readonly badFrames: BurstLog;
  private readonly gaps: BurstLog;
  private statusTimer: NodeJS.Timeout | null = null;
  private lastSeq: number | null = null;
  private announcedSeq: number | null = null;
  private lastError: string | null = null;
  private everLive = false;
  private lastTradeMs: number | null = null;
  /** When the feed started: a venue that never traded is quiet since then. */
  private startedMs: number | null = null;
  /** When the connection was last replaced for carrying no trades (one replacement per interval). */
  private lastStallMs: number | null = null;
  /** Whether the quiet episode was logged (a trade ends it, with a line saying so). */
  private tradeStale = false;
  private readonly counts = { trades: 0, parse_errors: 0, seq_gaps: 0, seq_missing: 0, trade_stalls: 0 };

  constructor(private readonly opts: VenueFeedOptions) {
    this.tuning = { ...DEFAULT_TUNING, ...opts.tuning };
    this.now = opts.now ?? Date.now;
    const t = this.tuning;
    const a = opts.adapter;
    this.badFrames = new BurstLog(opts.log, `${a.venue}: bad frame`, t.badInputLogIntervalMs, this.now);
    this.gaps = new BurstLog(opts.log, `${a.venue}: sequence gap`, t.badInputLogIntervalMs, this.now);
    const ping = a.ping ? { intervalMs: t.pingIntervalMs ?? a.ping.intervalMs, frame: a.ping.frame } : undefined;
    this.socket = new ResilientSocket({
      name: a.venue,
      url: opts.url,
      subscribe: () => a.subscribe(opts.symbol),
      acksSubscription: a.acksSubscription,
      ...(ping ? { ping } : {}),
      staleAfterMs: t.staleAfterMs,
      ackTimeoutMs: t.ackTimeoutMs,
      connectTimeoutMs: t.connectTimeoutMs,
      backoff: t.backoff,
      blockedRetryMs: t.blockedRetryMs,
      onFrame: (text, recvMs) => this.onFrame(text, recvMs),
      onState: (s, r) => this.onState(s, r),
      // Sequence numbers restart meaningfully per connection: what was missed while
      // disconnected is a reconnect, not a gap.
      onReconnect: () => {
        this.lastSeq = this.announcedSeq = null;
      },
      now: this.now,
      ...(opts.random ? { random: opts.random } : {}),
      ...(opts.tap ? { tap: (text: string, recvMs: number) => opts.tap!(a.venue, recvMs, text) } : {}),
    });
  }

  get venue(): string {
    return this.opts.adapter.venue;
  }

  start(): void {
    this.startedMs = this.now();
    this.socket.start();
    this.statusTimer = setInterval(() => this.tick(), this.tuning.statusIntervalMs);
    this.statusTimer.unref();
  }

  async stop(): Promise<void> {
    if (this.statusTimer) clearInterval(this.statusTimer);
    this.statusTimer = null;
    await this.socket.close();
  }

  /**
   * Why the venue counts as without trades at `nowMs`, or null while its last trade (or the
   * feed's start) is within `tradeStaleAfterMs`. Measured from the last trade, not from the
   * current connection: a venue that keeps being dropped and reconnected while it sends
   * nothing has left the median, and must not read `live` after each reconnect.
   */
  private tradeQuiet(nowMs: number): string | null {
    const sinceMs = this.lastTradeMs ?? this.startedMs;
    if (sinceMs === null || nowMs - sinceMs <= this.tuning.tradeStaleAfterMs) return null;
    // A stable reason, so the state logger says it once and repeats go to debug.
    return `no trade for over ${Math.round(this.tuning.tradeStaleAfterMs / 1_000)} s (heartbeats only): reconnecting`;
  }

  /** The state shown: the socket's, except `stale` while a working connection carries no trades. */
  private view(nowMs: number): { state: FeedState; reason: string | null } {
    const s = this.socket.stats;
    const quiet = this.tradeQuiet(nowMs);
    // A socket that is down, blocked or rate limited says so itself.
    if (quiet !== null && (s.state === 'live' || s.state === 'connecting' || s.state === 'stale')) return { state: 'stale', reason: quiet };
    return { state: s.state, reason: s.reason };
  }

  stats(): VenueFeedStats {
    const c = this.counts;
    return {
      ...this.status(),
      venue: this.venue,
      url: this.opts.url,
      seq_gaps: c.seq_gaps,
      last_error: this.lastError ?? this.socket.stats.lastError,
      seq_missing: c.seq_missing,
      ever_live: this.everLive,
      last_trade_ms: this.lastTradeMs,
      trade_stalls: c.trade_stalls,
    };
  }

  /** The current health as a `venue_status` input: the socket's health, as the feed sees it, and the feed's counters. */
  status(): VenueStatus {
    const nowMs = this.now();
    const c = this.counts;
    const h = socketHealth({ ...this.socket.stats, ...this.view(nowMs) }, nowMs);
    // Field order as captured since the first capture (capture lines stay byte-stable).
    return {
      event_type: 'venue_status',
      source: this.venue,
      state: h.state,
      reason: h.reason,
      messages: h.messages,
      trades: c.trades,
      parse_errors: c.parse_errors,
      rejected: 0,
      reconnects: h.reconnects,
      last_message_ts_ms: h.last_message_ts_ms,
      seq_gaps: c.seq_gaps,
      last_error: this.lastError ?? this.socket.stats.lastError,
      next_retry_ms: h.next_retry_ms,
      counts: { trade_stalls: c.trade_stalls, last_refused_status: this.socket.stats.refusedStatus ?? 0 },
      ts_unix_ms: nowMs,
    };
  }

  private tick(): void {
    this.badFrames.flush();
    this.gaps.flush();
    this.checkTrades();
    this.emitStatus();
  }

  /**
   * A live connection of a venue without trades (tradeQuiet) is replaced, once per
   * `tradeStaleAfterMs`: a fresh connection may bring the trades back.
   */
  private checkTrades(): void {
    const s = this.socket.stats;
    if (s.state !== 'live') return;
    const now = this.now();
    const reason = this.tradeQuiet(now);
    if (reason === null) return;
    if (this.lastStallMs !== null && now - this.lastStallMs <= this.tuning.tradeStaleAfterMs) return;
    this.lastStallMs = now;
    this.tradeStale = true;
    this.counts.trade_stalls += 1;
    this.socket.reconnect(`stale: ${reason}`, 'stale');
  }

  private emitStatus(): void {
    try {
      this.opts.emit(this.status());
    } catch (err) {
      this.opts.log.error({ err }, `${this.venue}: status consumer threw`);
    }
  }

  private lastLoggedReason: string | null = null;

  private onState(state: FeedState, reason: string | null): void {
    if (state === 'live') this.everLive = true;
    // The socket's failure reason is the freshest error; keep it after recovery.
    if ((state === 'down' || state === 'blocked' || state === 'rate_limited') && reason && reason !== 'stopped') this.lastError = reason;
    const s = this.socket.stats;
    const waiting = state === 'down' || state === 'blocked' || state === 'rate_limited';
    const retry =
      waiting && reason !== 'stopped' && s.nextRetryMs !== null ? ` (retry in ${((s.nextRetryMs - this.now()) / 1000).toFixed(1)} s)` : '';
    const line = `${this.venue}: ${state}${reason ? ` — ${reason}` : ''}${retry}`;
    // A venue that keeps failing the same way (no network all night) is logged once per
    // reason at warn; the retries after it go to debug.
    const repeat = state !== 'live' && reason !== null && reason === this.lastLoggedReason;
    // Reconnected but still without trades: not news, the feed still shows stale.
    const stillQuiet = state === 'live' && this.tradeQuiet(this.now()) !== null;
    if (state !== 'live' && state !== 'connecting') this.lastLoggedReason = reason;
    else if (state === 'live' && !stillQuiet) this.lastLoggedReason = null;
    if (repeat || stillQuiet || state === 'connecting') this.opts.log.debug({ state, reason }, line);
    else if (state === 'live') this.opts.log.info({ state, reason }, line);
    else if (state === 'blocked') this.opts.log.warn({ state, reason, hint: BLOCKED_HINT }, `${line}. ${BLOCKED_HINT}`);
    else this.opts.log.warn({ state, reason }, line);
    this.emitStatus();
  }

  private onFrame(text: string, recvMs: number): FrameVerdict | void {
    const r = this.opts.adapter.parse(text, recvMs, this.opts.symbol);
    switch (r.kind) {
      case 'trades':
        this.checkSeq(r.seqFirst ?? r.seq, r.seq);
        for (const t of r.trades) this.accept(t);
        return { data: true };
      case 'ack':
        this.opts.log.debug({ detail: r.detail }, `${this.venue}: subscription acknowledged (${r.detail})`);
        return { ack: true };
      case 'error':
        return this.onVenueError(r);
      case 'control':
        if (r.seq !== undefined) this.checkHeartbeatSeq(r.seq);
        if (r.reconnect) return { reconnect: r.detail };
        return;
      case 'ping':
        return { reply: r.reply };
      case 'pong':
        return;
      case 'invalid':
        this.counts.parse_errors += 1;
        this.badFrames.note(r.reason, { frame: text.slice(0, 200) });
        return;
    }
  }

  private onVenueError(r: Extract<ParseResult, { kind: 'error' }>): FrameVerdict | void {
    this.lastError = `venue error: ${r.message}`;
    if (r.subscription) return { refused: r.message };
    this.opts.log.warn({ error: r.message }, `${this.venue}: venue reported an error: ${r.message}`);
  }

  private accept(t: VenueTrade): void {
    this.counts.trades += 1;
    this.lastTradeMs = t.ts_unix_ms;
    if (this.tradeStale) {
      this.tradeStale = false;
      this.opts.log.info({ state: 'live' }, `${this.venue}: trades again`);
    }
    try {
      this.opts.emit(t);
    } catch (err) {
      this.opts.log.error({ err }, `${this.venue}: trade consumer threw`);
    }
  }

  /** A frame's first sequence must follow the previous frame's last one. */
  private checkSeq(first: number | undefined, last: number | undefined): void {
    if (first === undefined || last === undefined) return;
    if (this.lastSeq !== null && first > this.lastSeq + 1)
      this.noteGap(first - this.lastSeq - 1, `expected ${this.lastSeq + 1}, got ${first}`);
    this.lastSeq = Math.max(this.lastSeq ?? last, last);
  }

  /**
   * A heartbeat says which sequence the venue is at. Heartbeats and trades may travel on
   * different internal channels, so a heartbeat can announce a trade that is still on its
   * way: a gap is counted only if the trades have not caught up by the next heartbeat.
   */
  private checkHeartbeatSeq(seq: number): void {
    const announced = this.announcedSeq;
    this.announcedSeq = seq;
    if (this.lastSeq === null) {
      this.lastSeq = seq;
      return;
    }
    if (announced !== null && announced > this.lastSeq) {
      this.noteGap(announced - this.lastSeq, `heartbeat announced ${announced}, trades reached ${this.lastSeq}`);
      this.lastSeq = announced;
    }
  }

  private noteGap(missing: number, detail: string): void {
    // Trades only feed the median, so nothing needs resyncing: the gap is counted and shown.
    this.counts.seq_gaps += 1;
    this.counts.seq_missing += missing;
    this.gaps.note(`${missing} missing (${detail})`);
  }
}
