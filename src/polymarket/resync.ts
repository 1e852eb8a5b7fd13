/**
 * Paces REST /book resyncs: one request per token at a time, at most `concurrency` in
 * flight, no token more often than every `minIntervalMs`, nothing while the REST client
 * is backing off after a 429 — and two token buckets, so a misbehaving socket cannot turn
 * into hundreds of REST calls a minute: per token a burst of `tokenBurst` then one per
 * `tokenRefillMs` (defaults: 3, then one per 20 s ≈ 6 a minute), and for all tokens together
 * a burst of `globalBurst` then `globalPerMinute` a minute (defaults 20, 60). A held request
 * stays queued (counted `throttled`) and goes out when its bucket refills. A book that the WebSocket has meanwhile resynced by itself
 * (a fresh `book` message) is not fetched, and a REST answer that arrives after such a
 * book is dropped rather than rolling the book back.
 */
import type { BookKeeper } from './bookKeeper.ts';
import type { ClobRest } from './clobRest.ts';

export interface ResyncerOptions {
  rest: ClobRest;
  keeper: () => BookKeeper;
  now: () => number;
  concurrency?: number;
  minIntervalMs?: number;
  maxIntervalMs?: number;
  /** How often the queue is looked at when something is waiting. */
  pumpMs?: number;
  tokenBurst?: number;
  tokenRefillMs?: number;
  globalBurst?: number;
  globalPerMinute?: number;
}

/** A token bucket on a caller-supplied clock: `capacity` tokens, one back per `refillMs`. */
class Bucket {
  private level: number;
  private atMs: number;
  constructor(
    private readonly capacity: number,
    private readonly refillMs: number,
    nowMs: number,
  ) {
    this.level = capacity;
    this.atMs = nowMs;
  }

  private refill(nowMs: number): void {
    if (nowMs <= this.atMs) return;
    this.level = Math.min(this.capacity, this.level + (nowMs - this.atMs) / this.refillMs);
    this.atMs = nowMs;
  }

  has(nowMs: number): boolean {
    this.refill(nowMs);
    return this.level >= 1;
  }

  take(nowMs: number): void {
    this.refill(nowMs);
    this.level -= 1;
  }
}

export class Resyncer {
  private readonly pending = new Set<string>();
  private readonly lastAttemptMs = new Map<string, number>();
  /** Consecutive failures per token: each doubles its wait (a token without a book 404s). */
  private readonly failures = new Map<string, number>();
  private readonly buckets = new Map<string, Bucket>();
  private global: Bucket | null = null;
  /** Tokens currently held back by a bucket (each counted once per hold). */
  private readonly held = new Set<string>();
  private inFlight = 0;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  readonly counters = { requested: 0, fetched: 0, applied: 0, failed: 0, skipped: 0, throttled: 0 };

  constructor(private readonly opts: ResyncerOptions) {}

  request(tokenId: string): void {
    if (this.closed) return;
    this.counters.requested += 1;
    this.pending.add(tokenId);
    this.pump();
  }

  /** Drops what is known about a token that is no longer tracked (keeps the maps bounded). */
  forget(tokenId: string): void {
    this.pending.delete(tokenId);
    this.lastAttemptMs.delete(tokenId);
    this.failures.delete(tokenId);
    this.buckets.delete(tokenId);
    this.held.delete(tokenId);
  }

  /** Whether both buckets allow a request for `id` now; counts a newly held token. */
  private allowed(id: string, now: number): boolean {
    const o = this.opts;
    this.global ??= new Bucket(o.globalBurst ?? 20, 60_000 / (o.globalPerMinute ?? 60), now);
    let b = this.buckets.get(id);
    if (!b) this.buckets.set(id, (b = new Bucket(o.tokenBurst ?? 3, o.tokenRefillMs ?? 20_000, now)));
    if (b.has(now) && this.global.has(now)) {
      b.take(now);
      this.global.take(now);
      this.held.delete(id);
      return true;
    }
    if (!this.held.has(id)) {
      this.held.add(id);
      this.counters.throttled += 1;
    }
    return false;
  }

  get queued(): number {
    return this.pending.size + this.inFlight;
  }

  private pump(): void {
    const now = this.opts.now();
    const max = this.opts.concurrency ?? 4;
    const minGap = this.opts.minIntervalMs ?? 1_000;
    if (this.opts.rest.waitMs() === 0) {
      for (const id of [...this.pending]) {
        if (this.inFlight >= max) break;
        const keeper = this.opts.keeper();
        if (!keeper.has(id) || keeper.stateOf(id) === 'live') {
          this.pending.delete(id);
          this.counters.skipped += 1;
          continue;
        }
        const gap = Math.min(this.opts.maxIntervalMs ?? 60_000, minGap * 2 ** (this.failures.get(id) ?? 0));
        if (now - (this.lastAttemptMs.get(id) ?? -Infinity) < gap) continue;
        if (!this.allowed(id, now)) continue;
        this.pending.delete(id);
        this.lastAttemptMs.set(id, now);
        void this.fetch(id);
      }
    }
    if (this.pending.size > 0 && !this.timer && !this.closed) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.pump();
      }, this.opts.pumpMs ?? 200);
    }
  }

  private async fetch(tokenId: string): Promise<void> {
    this.inFlight += 1;
    const r = await this.opts.rest.book(tokenId);
    this.inFlight -= 1;
    if (this.closed) return;
    const keeper = this.opts.keeper();
    if (!r.ok) {
      this.counters.failed += 1;
      if (r.status !== 429) this.failures.set(tokenId, Math.min(16, (this.failures.get(tokenId) ?? 0) + 1));
      if (keeper.has(tokenId) && keeper.stateOf(tokenId) !== 'live') this.pending.add(tokenId);
    } else {
      this.counters.fetched += 1;
      this.failures.delete(tokenId);
      const b = r.value;
      if (keeper.stateOf(tokenId) !== 'live' && keeper.applySnapshot(tokenId, b.bids, b.asks, b.tsMs, this.opts.now(), b.tickSize))
        this.counters.applied += 1;
    }
    this.pump();
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.pending.clear();
  }
}
