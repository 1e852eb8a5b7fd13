/**
 * The makers of one efficient sim market. They quote the Up token around the true
 * probability (plus a skew of their own after our fills), `spread` wide before rounding out
 * to the tick grid, never bidding above nor offering below what the token is worth to them,
 * with `depthLevels` levels a side that thin away from the touch. The Down book is the
 * mirror (a Down bid at q is an Up ask at 1 − q, as on Polymarket's CLOB), so one ladder
 * serves both tokens and a fill on either consumes the same makers.
 *
 * Resting sizes persist: a level keeps its size until the makers requote *that* level (the
 * touch moves past it, another participant resizes it, or they refill it after our fill),
 * so depth our fill consumed stays consumed. Every change is published as a `book_delta`
 * of only the levels that changed; the first publication is a `book_snapshot`.
 *
 * Reaction to our taker fills (seen through `SimFeed.observe`): the consumed shares leave
 * the book at once; `makerReactionMs` later the makers refill those levels and skew their
 * mid toward our side by `impactPerShare` per share, a skew that halves every
 * IMPACT_HALF_LIFE_MS. Nothing here draws randomness except the one resize per requote,
 * which draws the same numbers whatever we trade: a strategy cannot change the world's path.
 */
import type { BookChange, InputEvent, Level, MarketInfo, Side } from '../core/events.ts';
import type { Rng } from '../core/rng.ts';
import { IMPACT_HALF_LIFE_MS, type SimRealism } from './profile.ts';

/** Up-token price levels in ticks (1 … TICKS − 1 on a 0.01 grid). */
const TICKS = 100;
const MAX_REACTIONS = 64;

type Ladder = Map<number, number>;

interface Reaction {
  atMs: number;
  skew: number;
  refill: number[];
}

export class MakerBook {
  /** Published Up levels: tick → size. */
  private readonly bids: Ladder = new Map();
  private readonly asks: Ladder = new Map();
  private skew = 0;
  private skewAtMs = 0;
  private published = false;
  private readonly reactions: Reaction[] = [];
  /** Levels the makers will refill (back to the size they quote at that distance) at their next requote: +tick for asks, −tick for bids. */
  private readonly refill = new Set<number>();
  /** Changes not yet published (our fills' consumption). */
  private pending: { up: BookChange[] } = { up: [] };

  constructor(
    readonly info: MarketInfo,
    private readonly r: SimRealism,
    private readonly rng: Rng,
  ) {}

  /** The mid the makers quote around: the true probability plus their skew, decayed to `nowMs`. */
  quoteMid(trueUp: number, nowMs: number): number {
    return Math.min(1, Math.max(0, trueUp + this.skewNow(nowMs)));
  }

  private skewNow(nowMs: number): number {
    return this.skew * 2 ** (-(nowMs - this.skewAtMs) / IMPACT_HALF_LIFE_MS);
  }

  /** Our fills' consumption, published as soon as the venue would (the next step). */
  *flush(tsMs: number): Generator<InputEvent> {
    this.nowMs = tsMs;
    if (this.pending.up.length === 0) return;
    const up = this.pending.up;
    this.pending = { up: [] };
    yield* this.emit(up, tsMs);
  }

  /** Requotes around `trueUp` and yields the changes as deltas (a snapshot the first time). */
  *requote(trueUp: number, nowMs: number): Generator<InputEvent> {
    this.nowMs = nowMs;
    // Consumption not yet published goes out first: a later requote of the same level must win.
    yield* this.flush(nowMs);
    this.react(nowMs);
    const p = this.quoteMid(trueUp, nowMs);
    const half = this.r.spread / 2;
    let bidTop = Math.floor((p - half) * TICKS + 1e-9);
    let askTop = Math.ceil((p + half) * TICKS - 1e-9);
    if (askTop <= bidTop) askTop = bidTop + 1;
    bidTop = Math.min(bidTop, TICKS - 1);
    const changes: BookChange[] = [];
    this.requoteSide('bid', bidTop, -1, changes);
    this.requoteSide('ask', askTop, +1, changes);
    this.resizeOne(changes);
    if (!this.published) {
      this.published = true;
      this.pending = { up: [] };
      yield* this.snapshot(nowMs);
      return;
    }
    yield* this.emit(changes, nowMs);
  }

  private requoteSide(side: 'bid' | 'ask', top: number, dir: 1 | -1, changes: BookChange[]): void {
    const ladder = side === 'bid' ? this.bids : this.asks;
    // The wanted levels: `depthLevels` ticks from the touch outward, inside the price range.
    const far = Math.min(TICKS - 1, Math.max(1, top + dir * (this.r.depthLevels - 1)));
    const [lo, hi] = dir > 0 ? [top, far] : [far, top];
    for (const tick of ladder.keys()) if (tick < lo || tick > hi) this.set(side, tick, 0, changes);
    for (let i = 0; i < this.r.depthLevels; i++) {
      const tick = top + dir * i;
      if (tick < 1 || tick > TICKS - 1) break;
      const refill = this.refill.delete(dir * tick);
      if (refill || !ladder.has(tick)) this.set(side, tick, this.sizeAt(i), changes);
    }
  }

  /** Another participant resizes one resting level: books change even when the touch holds. */
  private resizeOne(changes: BookChange[]): void {
    const side = this.rng.next() < 0.5 ? 'bid' : 'ask';
    const i = this.rng.int(0, Math.max(0, this.r.depthLevels - 1));
    const factor = 0.5 + this.rng.next();
    const ladder = side === 'bid' ? this.bids : this.asks;
    const ticks = [...ladder.keys()].sort((a, b) => (side === 'bid' ? b - a : a - b));
    const tick = ticks[i];
    if (tick !== undefined) this.set(side, tick, Math.max(1, Math.round(this.sizeAt(i) * factor)), changes);
  }

  private sizeAt(level: number): number {
    return Math.max(1, Math.round(this.r.depthShares * this.r.depthDecay ** level));
  }

  private set(side: 'bid' | 'ask', tick: number, size: number, changes: BookChange[]): void {
    const ladder = side === 'bid' ? this.bids : this.asks;
    if ((ladder.get(tick) ?? 0) === size) return;
    if (size === 0) ladder.delete(tick);
    else ladder.set(tick, size);
    changes.push({ side, px: tick / TICKS, size });
  }

  /**
   * Our taker fill of `qty` on `token` (the side is ours). Consumes the makers' levels from
   * the touch, as the engine's fill did, and schedules their reaction.
   */
  onTakerFill(outcome: 'Up' | 'Down', side: Side, qty: number, nowMs: number): void {
    // Buying Up or selling Down takes Up asks; selling Up or buying Down takes Up bids.
    const takesAsks = (outcome === 'Up') === (side === 'buy');
    const bookSide = takesAsks ? 'ask' : 'bid';
    const ladder = takesAsks ? this.asks : this.bids;
    const ticks = [...ladder.keys()].sort((a, b) => (takesAsks ? a - b : b - a));
    const refill: Reaction['refill'] = [];
    let left = qty;
    for (const tick of ticks) {
      if (left <= 1e-9) break;
      const size = ladder.get(tick)!;
      const take = Math.min(size, left);
      left -= take;
      this.set(bookSide, tick, size - take, this.pending.up);
      refill.push(takesAsks ? tick : -tick);
    }
    // Makers short Up after we take their asks: they lean their quotes up, and down after we take bids.
    const skew = (takesAsks ? 1 : -1) * this.r.impactPerShare * qty;
    if (this.reactions.length < MAX_REACTIONS) this.reactions.push({ atMs: nowMs + this.r.makerReactionMs, skew, refill });
  }

  /** The Up touch as the makers hold it (published or about to be): best bid and ask, null when a side is empty. */
  touch(): { bid: number | null; ask: number | null } {
    let bid = 0;
    let ask = TICKS;
    for (const t of this.bids.keys()) bid = Math.max(bid, t);
    for (const t of this.asks.keys()) ask = Math.min(ask, t);
    return { bid: bid > 0 ? bid / TICKS : null, ask: ask < TICKS ? ask / TICKS : null };
  }

  /**
   * Another participant's market order on the Up book (sim/takers.ts): takes up to `qty`
   * from the touch, no worse than `limitPx`, and returns the levels it matched [px, shares].
   * The makers refill the levels at their next requote after `makerReactionMs`, without the
   * skew our own fills cause (they price that flow into their spread).
   */
  take(buy: boolean, qty: number, limitPx: number): Level[] {
    const ladder = buy ? this.asks : this.bids;
    const ticks = [...ladder.keys()].sort((a, b) => (buy ? a - b : b - a));
    const limit = Math.round(limitPx * TICKS);
    const matched: Level[] = [];
    const refill: number[] = [];
    let left = qty;
    for (const tick of ticks) {
      if (left <= 1e-9 || (buy ? tick > limit : tick < limit)) break;
      const size = ladder.get(tick)!;
      const take = Math.min(size, left);
      left -= take;
      this.set(buy ? 'ask' : 'bid', tick, size - take, this.pending.up);
      refill.push(buy ? tick : -tick);
      matched.push([tick / TICKS, take]);
    }
    if (matched.length > 0 && this.reactions.length < MAX_REACTIONS)
      this.reactions.push({ atMs: this.nowMs + this.r.makerReactionMs, skew: 0, refill });
    return matched;
  }

  /** Input time of the last requote or flush (takers take at it). */
  private nowMs = 0;

  /** Applies the reactions that are due: the skew, and a refill of the consumed levels at this requote. */
  private react(nowMs: number): void {
    let kept = 0;
    for (const re of this.reactions) {
      if (re.atMs > nowMs) {
        this.reactions[kept++] = re;
        continue;
      }
      this.skew = this.skewNow(nowMs) + re.skew;
      this.skewAtMs = nowMs;
      for (const level of re.refill) this.refill.add(level);
    }
    this.reactions.length = kept;
  }

  /** Changes (our fills' consumption) held for the next publication. */
  get unpublished(): number {
    return this.pending.up.length;
  }

  /** The Up book as the makers hold it (best first), published or about to be. */
  upLevels(): { bids: Level[]; asks: Level[] } {
    const levels = (l: Ladder, desc: boolean) =>
      [...l.entries()].sort((a, b) => (desc ? b[0] - a[0] : a[0] - b[0])).map(([t, s]): Level => [t / TICKS, s]);
    return { bids: levels(this.bids, true), asks: levels(this.asks, false) };
  }

  private *snapshot(tsMs: number): Generator<InputEvent> {
    const [up, down] = this.info.tokens;
    const m = this.info.market_id;
    const { bids, asks } = this.upLevels();
    yield { event_type: 'book_snapshot', market_id: m, token_id: up.token_id, bids, asks, ts_exchange_ms: tsMs, ts_unix_ms: tsMs };
    const mirror = (ls: Level[]) => ls.map(([px, s]): Level => [round2(1 - px), s]);
    yield {
      event_type: 'book_snapshot',
      market_id: m,
      token_id: down.token_id,
      bids: mirror(asks),
      asks: mirror(bids),
      ts_exchange_ms: tsMs,
      ts_unix_ms: tsMs,
    };
  }

  private *emit(up: BookChange[], tsMs: number): Generator<InputEvent> {
    if (up.length === 0) return;
    const [upTok, downTok] = this.info.tokens;
    const m = this.info.market_id;
    yield { event_type: 'book_delta', market_id: m, token_id: upTok.token_id, changes: up, ts_exchange_ms: tsMs, ts_unix_ms: tsMs };
    const down = up.map((c): BookChange => ({ side: c.side === 'bid' ? 'ask' : 'bid', px: round2(1 - c.px), size: c.size }));
    yield { event_type: 'book_delta', market_id: m, token_id: downTok.token_id, changes: down, ts_exchange_ms: tsMs, ts_unix_ms: tsMs };
  }
}

const round2 = (x: number): number => Math.round(x * 100) / 100;
