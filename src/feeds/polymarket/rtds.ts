/**
 * Polymarket's real-time data socket (wss://ws-live-data.polymarket.com): the resolution
 * sources of the BTC up/down markets as `reference_price` inputs — Chainlink BTC/USD
 * (`crypto_prices_chainlink`, symbol `btc/usd`) and Binance BTC/USDT (`crypto_prices`,
 * symbol `btcusdt`). Docs: docs.polymarket.com/market-data/websocket/rtds; official client
 * github.com/Polymarket/real-time-data-client (src/client.ts pings every 5 s).
 *
 * The socket has no backfill beyond the short snapshot it sends on subscribe, so a print
 * is emitted once, in exchange-time order per source (a snapshot replayed after a
 * reconnect repeats prints we already have: they are skipped).
 */
import { z } from 'zod';
import type { FeedState, ReferencePrice } from '../../core/events.ts';
import { ResilientSocket, type SocketStats } from '../socket.ts';
import type { RawTap } from '../tap.ts';

/** Subscribe frame for Chainlink BTC/USD, verbatim from the docs (filters is a JSON string). */
export const RTDS_CHAINLINK_SUBSCRIBE = JSON.stringify({
  action: 'subscribe',
  subscriptions: [{ topic: 'crypto_prices_chainlink', type: '*', filters: JSON.stringify({ symbol: 'btc/usd' }) }],
});

/**
 * Binance prices: subscribed without a server-side filter and filtered here. The docs
 * show `filters: "solusdt,btcusdt,ethusdt"`, but a public report (dev.to, "Polymarket's
 * price WebSocket can stall while connected") found the live server rejecting that filter;
 * the unfiltered topic carries only a handful of symbols.
 */
export const RTDS_BINANCE_SUBSCRIBE = JSON.stringify({ action: 'subscribe', subscriptions: [{ topic: 'crypto_prices', type: 'update' }] });

export const RTDS_PING_FRAME = 'PING';
export const RTDS_PING_INTERVAL_MS = 5_000;

const Point = z.object({ timestamp: z.number().int().nonnegative(), value: z.number().finite().positive() });
const Payload = z.union([
  z.object({ symbol: z.string(), timestamp: z.number().int().nonnegative(), value: z.number().finite().positive() }),
  // The snapshot sent right after subscribing: a list of recent points.
  z.object({ symbol: z.string(), data: z.array(Point) }),
]);
const RtdsMessageSchema = z.object({ topic: z.string(), type: z.string().optional(), payload: Payload });

const SOURCES: Record<string, { symbol: string; source: ReferencePrice['source']; outSymbol: string }> = {
  crypto_prices_chainlink: { symbol: 'btc/usd', source: 'chainlink', outSymbol: 'BTC/USD' },
  crypto_prices: { symbol: 'btcusdt', source: 'binance', outSymbol: 'BTCUSDT' },
};

export type RtdsParse =
  | { kind: 'prices'; prices: ReferencePrice[] }
  /** A message of a topic or symbol we do not use (other coins, comments). */
  | { kind: 'ignored'; detail: string }
  | { kind: 'text'; text: string }
  | { kind: 'invalid'; reason: string };

/** Pure: one RTDS text frame + receive time → reference prices (oldest first). */
export function parseRtdsFrame(text: string, recvMs: number): RtdsParse {
  const t = text.trim();
  if (!t.startsWith('{')) return { kind: 'text', text: t };
  let raw: unknown;
  try {
    raw = JSON.parse(t);
  } catch {
    return { kind: 'invalid', reason: 'bad JSON' };
  }
  const parsed = RtdsMessageSchema.safeParse(raw);
  if (!parsed.success) return { kind: 'invalid', reason: parsed.error.issues[0]?.message ?? 'invalid message' };
  const m = parsed.data;
  const src = SOURCES[m.topic];
  if (!src) return { kind: 'ignored', detail: `topic ${m.topic}` };
  if (m.payload.symbol.toLowerCase() !== src.symbol) return { kind: 'ignored', detail: `symbol ${m.payload.symbol}` };
  const points = 'data' in m.payload ? m.payload.data : [m.payload];
  const prices = points
    .map((p): ReferencePrice => ({ event_type: 'reference_price', source: src.source, symbol: src.outSymbol, px: p.value, ts_exchange_ms: p.timestamp, ts_unix_ms: recvMs }))
    .sort((a, b) => a.ts_exchange_ms - b.ts_exchange_ms);
  return { kind: 'prices', prices };
}

export interface RtdsOptions {
  url: string;
  emit: (p: ReferencePrice) => void;
  /** Subscribe to Binance BTC/USDT as well (needed by the hourly markets). */
  binance?: boolean;
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
  now?: () => number;
  /** Sees every raw frame (capture). */
  tap?: RawTap;
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
}

export class RtdsFeed {
  private readonly socket: ResilientSocket;
  private readonly lastTs = new Map<string, number>();
  private readonly counts = { prices: 0, duplicates: 0, invalid: 0, ignored: 0, priceStalls: 0, lastInvalid: null as string | null };
  private lastPriceRecvMs: number | null = null;
  private watchdog: NodeJS.Timeout | null = null;

  constructor(private readonly opts: RtdsOptions) {
    this.socket = new ResilientSocket({
      name: 'rtds',
      url: opts.url,
      subscribe: () => (opts.binance === false ? [RTDS_CHAINLINK_SUBSCRIBE] : [RTDS_CHAINLINK_SUBSCRIBE, RTDS_BINANCE_SUBSCRIBE]),
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
    this.watchdog = setInterval(() => this.checkPrices(staleMs), Math.max(50, Math.min(5_000, staleMs / 4)));
  }

  private checkPrices(staleMs: number): void {
    const st = this.socket.stats;
    // An open connection that only ever pongs stays "connecting": check it too.
    if (st.state === 'down' || st.lastConnectMs === null) return;
    const now = (this.opts.now ?? Date.now)();
    const since = Math.max(this.lastPriceRecvMs ?? 0, st.lastConnectMs ?? 0);
    if (now - since > staleMs) {
      this.counts.priceStalls += 1;
      this.socket.reconnect(`no prices for ${now - since} ms`);
    }
  }

  private onFrame(text: string, recvMs: number): { data: boolean } {
    const r = parseRtdsFrame(text, recvMs);
    if (r.kind === 'invalid') {
      this.counts.invalid += 1;
      this.counts.lastInvalid = r.reason;
    } else if (r.kind === 'ignored') {
      this.counts.ignored += 1;
    } else if (r.kind === 'prices') {
      this.lastPriceRecvMs = recvMs;
      for (const p of r.prices) {
        const last = this.lastTs.get(p.source) ?? -1;
        if (p.ts_exchange_ms <= last) {
          this.counts.duplicates += 1;
          continue;
        }
        this.lastTs.set(p.source, p.ts_exchange_ms);
        this.counts.prices += 1;
        this.opts.emit(p);
      }
      return { data: true };
    }
    return { data: false };
  }

  stats(): RtdsStats {
    return { socket: this.socket.stats, ...this.counts, lastPriceMs: Object.fromEntries(this.lastTs) };
  }

  close(): Promise<void> {
    if (this.watchdog) clearInterval(this.watchdog);
    this.watchdog = null;
    return this.socket.close();
  }
}
