/**
 * Polymarket's real-time data socket as a feed: the resolution sources of the BTC up/down
 * markets as `reference_price` inputs — Chainlink BTC/USD spot, its Chainlink-computed 30 s
 * and 60 s TWAPs, and Binance BTC/USDT (frames: rtdsMessages.ts).
 *
 * The socket has no backfill beyond the short snapshot it sends on subscribe, so a print
 * is emitted once, in exchange-time order per source (a snapshot replayed after a
 * reconnect repeats prints we already have: they are skipped).
 *
 * TWAP availability: a TWAP topic is `unavailable` when the server answers "topic not
 * found" (the docs' pre-launch answer) or when it has carried nothing for `twapSilenceMs`.
 * Nothing else changes: the resolution rules (core/resolution.ts) read the TWAP prints when
 * they exist and Chainlink spot, flagged estimated, when they do not. While unavailable the
 * topic is subscribed again every `twapRetryMs` on the open connection (a refused
 * pre-launch subscription is not retried by the server) and on every reconnect.
 */
import type { FeedState, ReferencePrice, TwapLookback } from '../core/events.ts';
import { ResilientSocket, type SocketStats } from '../net/socket.ts';
import {
  parseRtdsFrame,
  RTDS_BINANCE_SUBSCRIBE,
  RTDS_CHAINLINK_SUBSCRIBE,
  RTDS_PING_FRAME,
  RTDS_PING_INTERVAL_MS,
  TWAP_TOPICS,
  twapSubscribeFrame,
} from './wire/rtdsMessages.ts';
import type { RawTap } from '../net/tap.ts';

export {
  parseRtdsFrame,
  RTDS_BINANCE_SUBSCRIBE,
  RTDS_CHAINLINK_SUBSCRIBE,
  RTDS_PING_FRAME,
  RTDS_PING_INTERVAL_MS,
} from './wire/rtdsMessages.ts';

export interface RtdsOptions {
  url: string;
  emit: (p: ReferencePrice) => void;
  /** Subscribe to Binance BTC/USDT as well (needed by the hourly markets). */
  binance?: boolean;
  /** The TWAP lookbacks to subscribe to (default both). */
  twapLookbacks?: readonly TwapLookback[];
  /** A TWAP topic silent this long (on a connection that carries other prices) is unavailable. */
  twapSilenceMs?: number;
  /** While a TWAP topic is unavailable, subscribe to it again this often. */
  twapRetryMs?: number;
  pingIntervalMs?: number;
  staleAfterMs?: number;
  /**
   * Reconnect when a live connection has carried no price for this long. Pongs keep the
   * socket itself "fresh", and a public report (dev.to, BlueWhale-Quant-Lab, "Polymarket's
   * price WebSocket can stall while connected") describes exactly that stall.
   */
  pricesStaleAfterMs?: number;
  backoff?: { initialMs?: number; maxMs?: number };
  onState?: (state: FeedState, reason: string | null) => void;
  /** A TWAP topic became unavailable (reason) or available again (null). */
  onTwap?: (lookbackS: TwapLookback, unavailable: string | null) => void;
  now?: () => number;
  /** Sees every raw frame (capture). */
  tap?: RawTap;
}

export interface TwapTopicStats {
  topic: string;
  lookback_s: TwapLookback;
  prices: number;
  /** Why the topic is unavailable now (null: it carries prices). */
  unavailable: string | null;
  topic_not_found: number;
}

export interface RtdsStats {
  socket: SocketStats;
  prices: number;
  duplicates: number;
  invalid: number;
  ignored: number;
  priceStalls: number;
  lastInvalid: string | null;
  lastPriceMs: Partial<Record<ReferencePrice['source'], number>>;
  bySource: Partial<Record<ReferencePrice['source'], number>>;
  twap: TwapTopicStats[];
}

interface TwapState extends TwapTopicStats {
  /** When this connection subscribed (or re-subscribed) to it. */
  sinceMs: number;
  lastPriceRecvMs: number | null;
}

export class RtdsFeed {
  private readonly socket: ResilientSocket;
  private readonly lastTs = new Map<string, number>();
  private readonly bySource: Partial<Record<ReferencePrice['source'], number>> = {};
  private readonly counts = { prices: 0, duplicates: 0, invalid: 0, ignored: 0, priceStalls: 0, lastInvalid: null as string | null };
  private readonly twap: TwapState[];
  private readonly now: () => number;
  private lastPriceRecvMs: number | null = null;
  private watchdog: NodeJS.Timeout | null = null;

  constructor(private readonly opts: RtdsOptions) {
    this.now = opts.now ?? Date.now;
    this.twap = (opts.twapLookbacks ?? [30, 60]).map((l) => ({
      topic: TWAP_TOPICS[l],
      lookback_s: l,
      prices: 0,
      unavailable: null,
      topic_not_found: 0,
      sinceMs: 0,
      lastPriceRecvMs: null,
    }));
    this.socket = new ResilientSocket({
      name: 'rtds',
      url: opts.url,
      subscribe: () => this.onConnected(),
      acksSubscription: false,
      ping: { intervalMs: opts.pingIntervalMs ?? RTDS_PING_INTERVAL_MS, frame: () => RTDS_PING_FRAME },
      staleAfterMs: opts.staleAfterMs ?? 30_000,
      backoff: opts.backoff,
      onFrame: (text, recvMs) => this.onFrame(text, recvMs),
      ...(opts.tap ? { tap: (text: string, recvMs: number) => opts.tap!('rtds', recvMs, text) } : {}),
      onState: opts.onState,
      now: opts.now,
    });
  }

  start(): void {
    this.socket.start();
    const staleMs = this.opts.pricesStaleAfterMs ?? 30_000;
    const tickMs = Math.max(50, Math.min(5_000, Math.min(staleMs, this.opts.twapSilenceMs ?? 30_000) / 4));
    this.watchdog = setInterval(() => this.check(staleMs), tickMs);
  }

  /** Every (re)connect: the subscribe frames, and the TWAP silence clocks restart. */
  private onConnected(): string[] {
    const now = this.now();
    for (const t of this.twap) t.sinceMs = now;
    const frames = [RTDS_CHAINLINK_SUBSCRIBE];
    if (this.opts.binance !== false) frames.push(RTDS_BINANCE_SUBSCRIBE);
    for (const t of this.twap) frames.push(twapSubscribeFrame(t.lookback_s));
    return frames;
  }

  private check(staleMs: number): void {
    const st = this.socket.stats;
    // An open connection that only ever pongs stays "connecting": check it too.
    if (st.state === 'down' || st.state === 'blocked' || st.state === 'rate_limited' || st.lastConnectMs === null) return;
    const now = this.now();
    const since = Math.max(this.lastPriceRecvMs ?? 0, st.lastConnectMs ?? 0);
    if (now - since > staleMs) {
      this.counts.priceStalls += 1;
      this.socket.reconnect(`no prices for ${now - since} ms`);
      return;
    }
    for (const t of this.twap) this.checkTwap(t, now);
  }

  private checkTwap(t: TwapState, now: number): void {
    const silentMs = now - Math.max(t.lastPriceRecvMs ?? 0, t.sinceMs);
    if (t.unavailable === null && silentMs > (this.opts.twapSilenceMs ?? 30_000))
      this.setTwap(t, `no ${t.topic} message for ${Math.round(silentMs / 1_000)} s`);
    if (
      t.unavailable !== null &&
      now - t.sinceMs > (this.opts.twapRetryMs ?? 300_000) &&
      this.socket.send(twapSubscribeFrame(t.lookback_s))
    )
      t.sinceMs = now;
  }

  private setTwap(t: TwapState, unavailable: string | null): void {
    if (t.unavailable === unavailable) return;
    t.unavailable = unavailable;
    this.opts.onTwap?.(t.lookback_s, unavailable);
  }

  private onFrame(text: string, recvMs: number): { data: boolean } {
    const r = parseRtdsFrame(text, recvMs);
    if (r.kind === 'invalid') {
      this.counts.invalid += 1;
      this.counts.lastInvalid = r.reason;
    } else if (r.kind === 'ignored') {
      this.counts.ignored += 1;
    } else if (r.kind === 'topic_not_found') {
      // A refusal that names no topic is ours only for the TWAP topics that never delivered.
      const hit = this.twap.filter((t) =>
        r.topics.length > 0 ? r.topics.includes(t.topic) : t.lastPriceRecvMs === null || t.lastPriceRecvMs < t.sinceMs,
      );
      for (const t of hit) {
        t.topic_not_found += 1;
        this.setTwap(t, 'topic not found');
      }
    } else if (r.kind === 'prices') {
      this.lastPriceRecvMs = recvMs;
      for (const p of r.prices) this.accept(p, recvMs);
      return { data: true };
    }
    return { data: false };
  }

  private accept(p: ReferencePrice, recvMs: number): void {
    const t = this.twap.find((x) => (x.lookback_s === 30 ? 'chainlink_twap30' : 'chainlink_twap60') === p.source);
    if (t) {
      t.lastPriceRecvMs = recvMs;
      this.setTwap(t, null);
    }
    const last = this.lastTs.get(p.source) ?? -1;
    if (p.ts_exchange_ms <= last) {
      this.counts.duplicates += 1;
      return;
    }
    this.lastTs.set(p.source, p.ts_exchange_ms);
    this.counts.prices += 1;
    this.bySource[p.source] = (this.bySource[p.source] ?? 0) + 1;
    if (t) t.prices += 1;
    this.opts.emit(p);
  }

  /** "TWAP 60 s: topic not found": what is degraded, for the feed-health reason. */
  twapSummary(): string | null {
    const down = this.twap.filter((t) => t.unavailable !== null);
    if (down.length === 0) return null;
    return `${down.map((t) => `TWAP ${t.lookback_s} s unavailable (${t.unavailable})`).join('; ')}: TWAP markets read Chainlink spot, flagged estimated`;
  }

  stats(): RtdsStats {
    return {
      socket: this.socket.stats,
      ...this.counts,
      lastPriceMs: Object.fromEntries(this.lastTs),
      bySource: { ...this.bySource },
      twap: this.twap.map(({ topic, lookback_s, prices, unavailable, topic_not_found }) => ({
        topic,
        lookback_s,
        prices,
        unavailable,
        topic_not_found,
      })),
    };
  }

  close(): Promise<void> {
    if (this.watchdog) clearInterval(this.watchdog);
    this.watchdog = null;
    return this.socket.close();
  }
}
