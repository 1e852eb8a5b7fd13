/**
 * Connection manager for the CLOB market channel: one subscription for every active
 * token, sharded over several connections because the venue accepts about 500 assets per
 * connection ("Max 500 assets", nautilus_trader shards its market pool the same way).
 * Tokens are added to / dropped from a live connection with `operation` frames; a new
 * shard opens only when the others are full, staggered so a restart does not open every
 * connection at once (HTTP 429 on connect is backed off by ResilientSocket). Each shard
 * sends `PING` every 10 s and gets `PONG` back (docs: market channel heartbeat).
 *
 * Frames are parsed by the pure `parseClobFrame` and handed to `onMessages` with our
 * receive time; a reconnect is reported per shard so its books can be resynced (a gap).
 *
 * A PONG proves the connection, not the data: a shard with subscribed assets that has
 * carried nothing but PONGs for `bookStaleAfterMs` is `stale` (socket liveness and book
 * freshness are tracked apart) and is reconnected, which resyncs its books.
 */
import { ResilientSocket, type SocketStats } from '../net/socket.ts';
import type { RawTap } from '../net/tap.ts';
import type { FeedState } from '../core/events.ts';
import {
  CLOB_PING_FRAME,
  CLOB_PING_INTERVAL_MS,
  parseClobFrame,
  subscribeFrame,
  updateFrame,
  type ClobMessage,
} from './wire/clobWsMessages.ts';

export interface ClobWsPoolOptions {
  url: string;
  maxAssetsPerConnection?: number;
  pingIntervalMs?: number;
  staleAfterMs?: number;
  /** Delay between opening successive shards. */
  shardStaggerMs?: number;
  /** A shard carrying no market message (only PONGs) this long is stale and reconnected. */
  bookStaleAfterMs?: number;
  backoff?: { initialMs?: number; maxMs?: number };
  onMessages: (msgs: ClobMessage[], recvMs: number) => void;
  /** A shard reconnected: its tokens may have missed deltas. */
  onReconnect: (tokenIds: string[]) => void;
  onState?: (shard: number, state: FeedState, reason: string | null) => void;
  now?: () => number;
  /** Sees every raw frame (capture); the source is `polymarket_ws#<shard>`. */
  tap?: RawTap;
}

export interface ClobWsStats {
  shards: number;
  assets: number;
  state: FeedState;
  reason: string | null;
  messages: number;
  frames: number;
  invalid: number;
  texts: number;
  reconnects: number;
  /** Times a shard was found carrying only PONGs and reconnected. */
  dataStalls: number;
  /** Malformed optional fields dropped from otherwise good messages. */
  optionalDropped: number;
  /** The soonest retry of a waiting shard (absolute ms), or null. */
  nextRetryMs: number | null;
  lastMessageMs: number | null;
  lastInvalid: string | null;
  perShard: SocketStats[];
}

interface Shard {
  id: number;
  assets: Set<string>;
  socket: ResilientSocket;
  started: boolean;
  /** Receive time of the last market message (not PONG) on this shard. */
  lastDataMs: number | null;
  /** Set while the shard is stale for lack of market messages: the reason. */
  dataStale: string | null;
}

export const DEFAULT_BOOK_STALE_AFTER_MS = 60_000;

export class ClobWsPool {
  private readonly shards: Shard[] = [];
  private nextId = 0;
  private closed = false;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly counts = {
    frames: 0,
    messages: 0,
    invalid: 0,
    texts: 0,
    dataStalls: 0,
    optionalDropped: 0,
    lastInvalid: null as string | null,
  };
  private watchdog: NodeJS.Timeout | null = null;

  constructor(private readonly opts: ClobWsPoolOptions) {}

  private get bookStaleMs(): number {
    return this.opts.bookStaleAfterMs ?? DEFAULT_BOOK_STALE_AFTER_MS;
  }

  /** Marks shards that only PONG as stale and reconnects them; clears the mark on data. */
  private checkData(): void {
    const now = (this.opts.now ?? Date.now)();
    for (const shard of this.shards) {
      const st = shard.socket.stats;
      if (!shard.started || shard.assets.size === 0 || st.state !== 'live' || st.lastConnectMs === null) continue;
      const quietMs = now - Math.max(shard.lastDataMs ?? 0, st.lastConnectMs);
      if (quietMs <= this.bookStaleMs) continue;
      shard.dataStale = `no book change for ${Math.round(quietMs / 1_000)} s (PONG only)`;
      this.counts.dataStalls += 1;
      shard.socket.reconnect(`stale: ${shard.dataStale}`, 'stale');
    }
  }

  get maxAssets(): number {
    return this.opts.maxAssetsPerConnection ?? 500;
  }

  /** Makes the subscribed set exactly `tokenIds` (adds new ones, drops gone ones). */
  setAssets(tokenIds: Iterable<string>): void {
    if (this.closed) return;
    const want = new Set(tokenIds);
    for (const shard of [...this.shards]) {
      const gone = [...shard.assets].filter((a) => !want.has(a));
      if (gone.length === 0) continue;
      for (const a of gone) shard.assets.delete(a);
      if (shard.assets.size === 0) this.dropShard(shard);
      else shard.socket.send(updateFrame('unsubscribe', gone));
    }
    const have = new Set(this.shards.flatMap((s) => [...s.assets]));
    const added = [...want].filter((a) => !have.has(a));
    this.place(added);
  }

  private place(added: string[]): void {
    let i = 0;
    const fresh: Shard[] = [];
    for (const shard of this.shards) {
      const room = this.maxAssets - shard.assets.size;
      if (room <= 0 || i >= added.length) continue;
      const batch = added.slice(i, i + room);
      i += batch.length;
      for (const a of batch) shard.assets.add(a);
      // A shard not yet connected subscribes to its whole set when it opens.
      if (shard.started) shard.socket.send(updateFrame('subscribe', batch));
    }
    while (i < added.length) {
      const batch = added.slice(i, i + this.maxAssets);
      i += batch.length;
      fresh.push(this.newShard(batch));
    }
    fresh.forEach((s, k) => {
      const t = setTimeout(
        () => {
          this.timers.delete(t);
          if (!this.closed && this.shards.includes(s)) {
            s.started = true;
            s.socket.start();
          }
        },
        k * (this.opts.shardStaggerMs ?? 250),
      );
      this.timers.add(t);
    });
  }

  private newShard(assets: string[]): Shard {
    const id = this.nextId++;
    const shard: Shard = {
      id,
      assets: new Set(assets),
      started: false,
      socket: null as unknown as ResilientSocket,
      lastDataMs: null,
      dataStale: null,
    };
    if (!this.watchdog)
      this.watchdog = setInterval(() => this.checkData(), Math.max(50, Math.min(5_000, Math.floor(this.bookStaleMs / 4))));
    shard.socket = new ResilientSocket({
      name: `polymarket_ws#${id}`,
      ...(this.opts.tap ? { tap: (text: string, recvMs: number) => this.opts.tap!(`polymarket_ws#${id}`, recvMs, text) } : {}),
      url: this.opts.url,
      subscribe: () => [subscribeFrame([...shard.assets])],
      acksSubscription: false,
      ping: { intervalMs: this.opts.pingIntervalMs ?? CLOB_PING_INTERVAL_MS, frame: () => CLOB_PING_FRAME },
      staleAfterMs: this.opts.staleAfterMs ?? 30_000,
      backoff: this.opts.backoff,
      onFrame: (text, recvMs) => this.onFrame(shard, text, recvMs),
      onReconnect: () => this.opts.onReconnect([...shard.assets]),
      onState: (state, reason) => this.opts.onState?.(id, state, reason),
      now: this.opts.now,
    });
    this.shards.push(shard);
    return shard;
  }

  private dropShard(shard: Shard): void {
    this.shards.splice(this.shards.indexOf(shard), 1);
    void shard.socket.close();
  }

  private onFrame(shard: Shard, text: string, recvMs: number): { data: boolean } {
    this.counts.frames += 1;
    const msgs = parseClobFrame(text, recvMs);
    let data = false;
    for (const m of msgs) {
      if (m.kind === 'invalid') {
        this.counts.invalid += 1;
        this.counts.lastInvalid = m.reason;
      } else if (m.kind === 'text') {
        this.counts.texts += 1;
        // A PONG keeps the connection open (socket liveness); only market messages make
        // the shard's data fresh (checkData).
        if (m.text === 'PONG') data = true;
      } else {
        this.counts.messages += 1;
        this.countDropped(m);
        shard.lastDataMs = recvMs;
        shard.dataStale = null;
        data = true;
      }
    }
    this.opts.onMessages(msgs, recvMs);
    return { data };
  }

  /** Malformed optional fields the parser dropped (the message itself was kept). */
  private countDropped(m: ClobMessage): void {
    if (m.kind === 'text' || m.kind === 'invalid') return;
    if (m.dropped) this.counts.optionalDropped += 1;
    if (m.kind === 'price_change') for (const c of m.changes) if (c.dropped) this.counts.optionalDropped += 1;
  }

  assetsOf(): string[][] {
    return this.shards.map((s) => [...s.assets]);
  }

  /** A shard's state as shown: the socket's, except `stale` while it carries only PONGs. */
  private shardView(shard: Shard): { state: FeedState; reason: string | null } {
    const st = shard.socket.stats;
    if (shard.dataStale !== null && (st.state === 'live' || st.state === 'connecting' || st.state === 'stale'))
      return { state: 'stale', reason: shard.dataStale };
    return { state: st.state, reason: st.reason };
  }

  stats(): ClobWsStats {
    const per = this.shards.map((s) => s.socket.stats);
    const order: FeedState[] = ['down', 'blocked', 'stale', 'rate_limited', 'connecting', 'live'];
    // The pool is as healthy as its worst shard.
    const views = this.shards.map((s) => this.shardView(s));
    const worst = views.reduce<{ state: FeedState; reason: string | null } | null>(
      (w, s) => (w === null || order.indexOf(s.state) < order.indexOf(w.state) ? s : w),
      null,
    );
    const last = per.reduce<number | null>(
      (m, s) => (s.lastMessageMs !== null && (m === null || s.lastMessageMs > m) ? s.lastMessageMs : m),
      null,
    );
    const retry = per.reduce<number | null>(
      (m, s) => (s.nextRetryMs !== null && (m === null || s.nextRetryMs < m) ? s.nextRetryMs : m),
      null,
    );
    return {
      shards: this.shards.length,
      assets: this.shards.reduce((n, s) => n + s.assets.size, 0),
      dataStalls: this.counts.dataStalls,
      optionalDropped: this.counts.optionalDropped,
      nextRetryMs: retry,
      state: worst?.state ?? 'down',
      reason: worst ? worst.reason : 'no assets subscribed',
      messages: this.counts.messages,
      frames: this.counts.frames,
      invalid: this.counts.invalid,
      texts: this.counts.texts,
      reconnects: per.reduce((n, s) => n + s.reconnects, 0),
      lastMessageMs: last,
      lastInvalid: this.counts.lastInvalid,
      perShard: per,
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.watchdog) clearInterval(this.watchdog);
    this.watchdog = null;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    const all = this.shards.splice(0);
    await Promise.all(all.map((s) => s.socket.close()));
  }
}
