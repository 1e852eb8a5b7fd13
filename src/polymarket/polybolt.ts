/**
 * PolyBolt, Polymarket's live data socket, as a reference-price feed beside the legacy RTDS
 * one (rtds.ts): Chainlink's 60 s BTC TWAP (`price.crypto.twap`) and the BTC spot reference
 * (`price.crypto`: Pyth unless the payload says Chainlink) as `reference_price` inputs.
 * Frames: wire/polyboltMessages.ts; credentials: wire/polyboltAuth.ts.
 *
 * The protocol, as documented (docs.polymarket.com/api-reference/live-data/overview and
 * /migrate/rtds-to-polybolt, read through the `search` tool on 2026-12-06):
 * - auth first (`{"op":"auth"}` with CLOB API credentials), subscribe once `authed` arrives,
 *   on every (re)connect; the server pings every 25 s at the protocol level (ws answers);
 * - each subscription starts with a snapshot of the last two minutes: its prints go out like
 *   live ones, so the resolution buffer is seeded with the window edge we may have missed;
 * - `seq` is consecutive per connection and channel: a jump is a gap (counted, `seq_gaps`),
 *   `dropped` is what the server dropped for a slow client (counted);
 * - close codes: 4001 (authentication failed) and 4008 (policy violation) mean "fix the
 *   client before reconnecting" — the feed stops and says why; 4002 (slow consumer or pong
 *   timeout) is retried with exponential backoff and full jitter; 4003 (the server is
 *   draining) is retried once after a uniformly random 0-10 s — the default backoff here
 *   (5 s base, full jitter) gives exactly that for the first retry.
 * The close code is read from the socket's reason (`closed by server (<code> …)`), so the
 * shared ResilientSocket needs no change.
 */
import type { FeedState, ReferencePrice, VenueStatus } from '../core/events.ts';
import { ResilientSocket, type SocketStats } from '../net/socket.ts';
import { socketHealth } from '../net/health.ts';
import type { RawTap } from '../net/tap.ts';
import type { PolyBoltCredentials } from './wire/polyboltAuth.ts';
import { parsePolyBoltFrame, polyboltSubscribeFrame, type PolyBoltMessage } from './wire/polyboltMessages.ts';

/** Close codes after which reconnecting without a fix is useless (docs: "fix … before reconnecting"). */
const FATAL_CLOSES: Record<number, string> = {
  4001: 'PolyBolt refused the credentials (close 4001): check POLYLAB_POLYBOLT_* and reconnect by restarting',
  4008: 'PolyBolt closed for a policy violation (close 4008): a client bug, not retried',
};
/** Errors that mean the credentials will not work on any connection. */
const FATAL_ERRORS = new Set(['auth_invalid']);

export interface PolyBoltOptions {
  url: string;
  credentials: PolyBoltCredentials;
  emit: (p: ReferencePrice) => void;
  staleAfterMs?: number;
  backoff?: { initialMs?: number; maxMs?: number; jitter?: number };
  onState?: (state: FeedState, reason: string | null) => void;
  now?: () => number;
  tap?: RawTap;
}

export interface PolyBoltStats {
  socket: SocketStats;
  prices: number;
  duplicates: number;
  invalid: number;
  ignored: number;
  bad_points: number;
  snapshots: number;
  snapshot_prices: number;
  seq_gaps: number;
  dropped: number;
  errors: number;
  lastError: string | null;
  /** Server closes by code (4001, 4002, 4003, 4008, …). */
  closes: Record<string, number>;
  /** Why the feed stopped for good (4001/4008/auth_invalid), else null. */
  fatal: string | null;
  bySource: Partial<Record<ReferencePrice['source'], number>>;
  lastPriceMs: Partial<Record<ReferencePrice['source'], number>>;
}

export class PolyBoltFeed {
  private readonly socket: ResilientSocket;
  private readonly lastSeq = new Map<string, number>();
  private readonly lastTs = new Map<string, number>();
  private readonly s: Omit<PolyBoltStats, 'socket' | 'lastPriceMs'> = {
    prices: 0,
    duplicates: 0,
    invalid: 0,
    ignored: 0,
    bad_points: 0,
    snapshots: 0,
    snapshot_prices: 0,
    seq_gaps: 0,
    dropped: 0,
    errors: 0,
    lastError: null,
    closes: {},
    fatal: null,
    bySource: {},
  };

  constructor(private readonly opts: PolyBoltOptions) {
    this.socket = new ResilientSocket({
      name: 'polybolt',
      url: opts.url,
      subscribe: () => this.onConnected(),
      acksSubscription: true,
      // The server pings every 25 s; a TWAP arrives every second while the socket is healthy.
      staleAfterMs: opts.staleAfterMs ?? 30_000,
      backoff: { initialMs: 5_000, maxMs: 60_000, factor: 2, jitter: 1, ...opts.backoff },
      onFrame: (text, recvMs) => this.onFrame(text, recvMs),
      ...(opts.tap ? { tap: (text: string, recvMs: number) => opts.tap!('polybolt', recvMs, text) } : {}),
      onState: (state, reason) => this.onState(state, reason),
      now: opts.now,
    });
  }

  start(): void {
    this.socket.start();
  }

  /** Every (re)connect: sequence numbers start again; authenticate before subscribing. */
  private onConnected(): string[] {
    this.lastSeq.clear();
    return [this.opts.credentials.authFrame()];
  }

  private onState(state: FeedState, reason: string | null): void {
    const code = /closed by server \((\d{4})\b/.exec(reason ?? '')?.[1];
    // The socket repeats the close reason when it starts connecting again: count the close once.
    if (code !== undefined && state === 'down') {
      this.s.closes[code] = (this.s.closes[code] ?? 0) + 1;
      const fatal = FATAL_CLOSES[Number(code)];
      if (fatal) return this.stop(fatal);
    }
    this.opts.onState?.(this.s.fatal !== null ? 'down' : state, this.s.fatal ?? reason);
  }

  private stop(why: string): void {
    if (this.s.fatal !== null) return;
    this.s.fatal = why;
    this.opts.onState?.('down', why);
    // After the socket's own failure handling has run (it schedules a retry after telling
    // us): closing then also cancels that retry.
    queueMicrotask(() => void this.socket.close());
  }

  private onFrame(text: string, recvMs: number): { ack?: boolean; reply?: string; refused?: string; data?: boolean } {
    const m = parsePolyBoltFrame(text, recvMs);
    switch (m.kind) {
      case 'ack':
        if (m.op === 'authed') return { reply: polyboltSubscribeFrame() };
        return m.op === 'subscribed' ? { ack: true } : {};
      case 'error':
        return this.onError(m);
      case 'prices':
        this.onPrices(m);
        return { data: true };
      case 'ignored':
        this.s.ignored += 1;
        return {};
      case 'invalid':
        this.s.invalid += 1;
        this.s.lastError = m.reason;
        return {};
    }
  }

  private onError(m: Extract<PolyBoltMessage, { kind: 'error' }>): { refused?: string } {
    this.s.errors += 1;
    this.s.lastError = `error ${m.code}${m.channel ? ` on ${m.channel}` : ''}`;
    if (FATAL_ERRORS.has(m.code)) {
      this.stop(`PolyBolt refused the credentials (${m.code}): check POLYLAB_POLYBOLT_*`);
      return {};
    }
    // auth_unavailable / auth_required: try again on a new connection, with backoff.
    return m.code.startsWith('auth_') ? { refused: this.s.lastError } : {};
  }

  private onPrices(m: Extract<PolyBoltMessage, { kind: 'prices' }>): void {
    const last = this.lastSeq.get(m.channel);
    if (last !== undefined && m.seq !== last + 1) this.s.seq_gaps += 1;
    this.lastSeq.set(m.channel, m.seq);
    this.s.dropped += m.dropped;
    this.s.bad_points += m.bad;
    if (m.snapshot) {
      this.s.snapshots += 1;
      this.s.snapshot_prices += m.prices.length;
    }
    for (const p of m.prices) this.accept(p);
  }

  /** Once per print, in exchange-time order per source (a snapshot after a reconnect repeats prints). */
  private accept(p: ReferencePrice): void {
    const last = this.lastTs.get(p.source) ?? -1;
    if (p.ts_exchange_ms <= last) {
      this.s.duplicates += 1;
      return;
    }
    this.lastTs.set(p.source, p.ts_exchange_ms);
    this.s.prices += 1;
    this.s.bySource[p.source] = (this.s.bySource[p.source] ?? 0) + 1;
    this.opts.emit(p);
  }

  stats(): PolyBoltStats {
    return {
      socket: { ...this.socket.stats },
      ...this.s,
      closes: { ...this.s.closes },
      bySource: { ...this.s.bySource },
      lastPriceMs: Object.fromEntries(this.lastTs),
    };
  }

  /** PolyBolt's health as a `venue_status` (source `polybolt`): seq gaps, drops, closes, snapshots. */
  status(ts: number): VenueStatus {
    const st = this.stats();
    const counts: Record<string, number> = {
      twap60_prices: st.bySource.chainlink_twap60 ?? 0,
      pyth_prices: st.bySource.pyth ?? 0,
      chainlink_prices: st.bySource.chainlink ?? 0,
      snapshots: st.snapshots,
      snapshot_prices: st.snapshot_prices,
      dropped: st.dropped,
      errors: st.errors,
    };
    for (const [code, n] of Object.entries(st.closes)) counts[`closed_${code}`] = n;
    const h = socketHealth(st.socket, ts);
    return {
      event_type: 'venue_status',
      source: 'polybolt',
      state: st.fatal !== null ? 'down' : h.state,
      reason: st.fatal ?? h.reason,
      messages: h.messages,
      trades: st.prices,
      parse_errors: st.invalid + st.bad_points,
      rejected: st.duplicates,
      reconnects: h.reconnects,
      last_message_ts_ms: h.last_message_ts_ms,
      seq_gaps: st.seq_gaps,
      last_error: st.lastError ?? st.socket.lastError,
      // A feed stopped for good has no next attempt.
      next_retry_ms: st.fatal === null ? h.next_retry_ms : null,
      counts,
      ts_unix_ms: ts,
    };
  }

  close(): Promise<void> {
    return this.socket.close();
  }
}
