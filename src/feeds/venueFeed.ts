/**
 * One live venue: the shared ResilientSocket, the venue's pure adapter, and the guards and
 * counters between them. It turns frames into `venue_trade` inputs (only trades that pass
 * the guards) and reports its health as `venue_status` inputs on every state change and at
 * least every `statusIntervalMs`. Nothing a venue sends can throw out of here.
 */
import type { Logger } from 'pino';
import type { FeedState, InputEvent, VenueStatus, VenueTrade } from '../core/events.ts';
import { ResilientSocket, type BackoffOptions, type FrameVerdict } from './socket.ts';
import { BurstLog, DEFAULT_GUARDS, TradeGuard, type RejectReason, type TradeGuardOptions } from './tradeGuard.ts';
import type { ParseResult, VenueAdapter } from './venues/types.ts';
import type { RawTap } from './tap.ts';

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
  guards: TradeGuardOptions;
}

export const DEFAULT_TUNING: VenueFeedTuning = {
  staleAfterMs: 30_000,
  ackTimeoutMs: 10_000,
  connectTimeoutMs: 10_000,
  backoff: { initialMs: 500, maxMs: 30_000, factor: 2, jitter: 0.3 },
  statusIntervalMs: 5_000,
  pingIntervalMs: null,
  badInputLogIntervalMs: 10_000,
  guards: DEFAULT_GUARDS,
};

export interface VenueFeedOptions {
  adapter: VenueAdapter;
  url: string;
  symbol: string;
  emit: (e: InputEvent) => void;
  /** A child logger for this venue. */
  log: Logger;
  /** The current reference (last median) for the absurd-price check; null = none yet. */
  referencePx?: () => number | null;
  now?: () => number;
  random?: () => number;
  tuning?: Partial<VenueFeedTuning>;
  /** Sees every raw frame (capture). */
  tap?: RawTap;
}

export interface VenueFeedStats {
  venue: string;
  url: string;
  state: FeedState;
  reason: string | null;
  messages: number;
  trades: number;
  parse_errors: number;
  rejected: number;
  rejected_by: Record<RejectReason, number>;
  reconnects: number;
  seq_gaps: number;
  /** Trades known to be missing from the gaps (sum of the gap widths). */
  seq_missing: number;
  last_error: string | null;
  last_message_ts_ms: number | null;
  /** True once the feed has been live at least once. */
  ever_live: boolean;
}

export class VenueFeed {
  private readonly socket: ResilientSocket;
  private readonly guard: TradeGuard;
  private readonly tuning: VenueFeedTuning;
  private readonly now: () => number;
  private readonly badFrames: BurstLog;
  private readonly rejects: BurstLog;
  private readonly gaps: BurstLog;
  private statusTimer: NodeJS.Timeout | null = null;
  private lastSeq: number | null = null;
  private announcedSeq: number | null = null;
  private lastError: string | null = null;
  private everLive = false;
  private readonly counts = { trades: 0, parse_errors: 0, seq_gaps: 0, seq_missing: 0, rejected_by: { duplicate: 0, out_of_order: 0, absurd_px: 0 } as Record<RejectReason, number> };

  constructor(private readonly opts: VenueFeedOptions) {
    this.tuning = { ...DEFAULT_TUNING, ...opts.tuning, guards: { ...DEFAULT_GUARDS, ...opts.tuning?.guards } };
    this.now = opts.now ?? Date.now;
    const t = this.tuning;
    const a = opts.adapter;
    this.guard = new TradeGuard(t.guards, opts.referencePx ?? (() => null));
    this.badFrames = new BurstLog(opts.log, `${a.venue}: bad frame`, t.badInputLogIntervalMs, this.now);
    this.rejects = new BurstLog(opts.log, `${a.venue}: trade rejected`, t.badInputLogIntervalMs, this.now);
    this.gaps = new BurstLog(opts.log, `${a.venue}: sequence gap`, t.badInputLogIntervalMs, this.now);
    const ping = a.ping ? { intervalMs: t.pingIntervalMs ?? a.ping.intervalMs, frame: a.ping.frame } : undefined;
    this.socket = new ResilientSocket({
      name: a.venue, url: opts.url, subscribe: () => a.subscribe(opts.symbol), acksSubscription: a.acksSubscription,
      ...(ping ? { ping } : {}), staleAfterMs: t.staleAfterMs, ackTimeoutMs: t.ackTimeoutMs, connectTimeoutMs: t.connectTimeoutMs,
      backoff: t.backoff, onFrame: (text, recvMs) => this.onFrame(text, recvMs), onState: (s, r) => this.onState(s, r),
      // Sequence numbers restart meaningfully per connection: what was missed while
      // disconnected is a reconnect, not a gap.
      onReconnect: () => { this.lastSeq = this.announcedSeq = null; },
      now: this.now, ...(opts.random ? { random: opts.random } : {}),
      ...(opts.tap ? { tap: (text: string, recvMs: number) => opts.tap!(a.venue, recvMs, text) } : {}),
    });
  }

  get venue(): string {
    return this.opts.adapter.venue;
  }

  start(): void {
    this.socket.start();
    this.statusTimer = setInterval(() => this.tick(), this.tuning.statusIntervalMs);
    this.statusTimer.unref();
  }

  async stop(): Promise<void> {
    if (this.statusTimer) clearInterval(this.statusTimer);
    this.statusTimer = null;
    await this.socket.close();
  }

  stats(): VenueFeedStats {
    const s = this.socket.stats;
    const c = this.counts;
    const rejected = c.rejected_by.duplicate + c.rejected_by.out_of_order + c.rejected_by.absurd_px;
    return {
      venue: this.venue, url: this.opts.url, state: s.state, reason: s.reason, messages: s.messages, trades: c.trades,
      parse_errors: c.parse_errors, rejected, rejected_by: { ...c.rejected_by }, reconnects: s.reconnects, seq_gaps: c.seq_gaps,
      seq_missing: c.seq_missing, last_error: this.lastError ?? s.lastError, last_message_ts_ms: s.lastMessageMs, ever_live: this.everLive,
    };
  }

  /** The current health as a `venue_status` input. */
  status(): VenueStatus {
    const s = this.stats();
    return {
      event_type: 'venue_status', source: s.venue, state: s.state, reason: s.reason, messages: s.messages, trades: s.trades,
      parse_errors: s.parse_errors, rejected: s.rejected, reconnects: s.reconnects, last_message_ts_ms: s.last_message_ts_ms,
      seq_gaps: s.seq_gaps, last_error: s.last_error, ts_unix_ms: this.now(),
    };
  }

  private tick(): void {
    this.badFrames.flush();
    this.rejects.flush();
    this.gaps.flush();
    this.emitStatus();
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
    if (state === 'down' && reason && reason !== 'stopped') this.lastError = reason;
    const s = this.socket.stats;
    const retry = state === 'down' && reason !== 'stopped' && s.nextRetryMs !== null ? ` (retry in ${((s.nextRetryMs - this.now()) / 1000).toFixed(1)} s)` : '';
    const line = `${this.venue}: ${state}${reason ? ` — ${reason}` : ''}${retry}`;
    // A venue that keeps failing the same way (no network all night) is logged once per
    // reason at warn; the retries after it go to debug.
    const repeat = state !== 'live' && reason !== null && reason === this.lastLoggedReason;
    if (state === 'down' || state === 'stale') this.lastLoggedReason = reason;
    else if (state === 'live') this.lastLoggedReason = null;
    if (repeat || state === 'connecting') this.opts.log.debug({ state, reason }, line);
    else if (state === 'live') this.opts.log.info({ state, reason }, line);
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
    const verdict = this.guard.check(t);
    if (verdict) {
      this.counts.rejected_by[verdict.reason] += 1;
      this.rejects.note(`${verdict.reason}: ${verdict.detail}`, { trade_id: t.trade_id });
      return;
    }
    this.counts.trades += 1;
    try {
      this.opts.emit(t);
    } catch (err) {
      this.opts.log.error({ err }, `${this.venue}: trade consumer threw`);
    }
  }

  /** A frame's first sequence must follow the previous frame's last one. */
  private checkSeq(first: number | undefined, last: number | undefined): void {
    if (first === undefined || last === undefined) return;
    if (this.lastSeq !== null && first > this.lastSeq + 1) this.noteGap(first - this.lastSeq - 1, `expected ${this.lastSeq + 1}, got ${first}`);
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
