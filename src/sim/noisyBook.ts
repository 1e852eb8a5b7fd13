/**
 * The `noisy` profile's books (the first simulator's): both token books follow the
 * fair-value model on the true BTC price with a noisy, mean-reverting crowd error, as
 * whole-book snapshots with random sizes. Prices diverge from fair value now and then, so
 * model-based strategies win here by construction: it exercises the machinery, nothing more.
 */
import type { InputEvent, Level, MarketInfo } from '../core/events.ts';
import type { Rng } from '../core/rng.ts';
import { fairValueUp } from '../pricing/fairValue.ts';
import type { SimRealism } from './profile.ts';

export class NoisyBook {
  private crowdError = 0;

  constructor(
    readonly info: MarketInfo,
    private readonly r: SimRealism,
    private readonly rng: Rng,
  ) {}

  /** The Up book last published (takers trade against it until the next snapshot replaces it). */
  private up: { bids: Level[]; asks: Level[] } = { bids: [], asks: [] };

  touch(): { bid: number | null; ask: number | null } {
    return { bid: this.up.bids[0]?.[0] ?? null, ask: this.up.asks[0]?.[0] ?? null };
  }

  /** Another participant's market order on the Up book: takes up to `qty` no worse than `limitPx`; returns the levels matched. */
  take(buy: boolean, qty: number, limitPx: number): Level[] {
    const side = buy ? this.up.asks : this.up.bids;
    const matched: Level[] = [];
    let left = qty;
    for (const level of side) {
      if (left <= 1e-9 || (buy ? level[0] > limitPx + 1e-9 : level[0] < limitPx - 1e-9)) break;
      if (level[1] <= 0) continue;
      const take = Math.min(level[1], left);
      left -= take;
      level[1] -= take;
      matched.push([level[0], take]);
    }
    return matched;
  }

  *requote(btc: number, strike: number, nowMs: number): Generator<InputEvent> {
    this.crowdError = 0.9 * this.crowdError + 0.06 * this.rng.normal();
    const fair = fairValueUp(btc, strike, this.info.window_end_ms - nowMs, this.r.volAnnual);
    const up = this.ladders(Math.min(0.98, Math.max(0.02, fair + this.crowdError)));
    this.up = { bids: up.bids.map(([p, q]): Level => [p, q]), asks: up.asks.map(([p, q]): Level => [p, q]) };
    const [upTok, downTok] = this.info.tokens;
    const m = this.info.market_id;
    yield {
      event_type: 'book_snapshot',
      market_id: m,
      token_id: upTok.token_id,
      bids: up.bids,
      asks: up.asks,
      ts_exchange_ms: nowMs,
      ts_unix_ms: nowMs,
    };
    // The Down book mirrors the Up book: a Down bid at q is an Up ask at 1 − q.
    const mirror = (ls: Level[]): Level[] => ls.map(([px, size]) => [round2(1 - px), size]);
    yield {
      event_type: 'book_snapshot',
      market_id: m,
      token_id: downTok.token_id,
      bids: mirror(up.asks),
      asks: mirror(up.bids),
      ts_exchange_ms: nowMs,
      ts_unix_ms: nowMs,
    };
  }

  private ladders(p: number): { bids: Level[]; asks: Level[] } {
    const half = (this.r.spread / 2) * 100;
    const bestBid = Math.max(1, Math.floor(p * 100 - half));
    const bestAsk = Math.min(99, Math.max(bestBid + 1, Math.ceil(p * 100 + half)));
    const bids: Level[] = [];
    const asks: Level[] = [];
    for (let i = 0; i < this.r.depthLevels; i++) {
      if (bestBid - i >= 1) bids.push([(bestBid - i) / 100, this.rng.int(10, this.r.depthShares)]);
      if (bestAsk + i <= 99) asks.push([(bestAsk + i) / 100, this.rng.int(10, this.r.depthShares)]);
    }
    return { bids, asks };
  }
}

const round2 = (x: number): number => Math.round(x * 100) / 100;
