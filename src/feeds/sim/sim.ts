/**
 * Seeded market simulator: the same seed always yields the same input sequence.
 *
 * - BTC follows a random walk with occasional jumps; six venues print trades around it.
 *   One venue (bitstamp) goes silent for 20 s of every minute (stale), one (okx) now and
 *   then prints a far-off outlier.
 * - One BTC up/down market per 15-minute window, discovered two minutes before its
 *   window opens. Its two token books follow the model probability with a noisy,
 *   mean-reverting crowd error, so prices diverge from fair value now and then.
 * - At window end the market resolves (end ≥ start → Up) a few seconds later.
 * - Every 5 s each venue and the simulated Polymarket books report their health as the
 *   live feeds do (`venue_status`), last in their step and without drawing from the RNG,
 *   so the trades, books and fills of a seed are the same as without them.
 */
import type { InputEvent, Level, MarketInfo } from '../../core/events.ts';
import { Rng } from '../../core/rng.ts';
import { fairValueUp, MS_PER_YEAR } from '../../pricing/fairValue.ts';
import { CRYPTO_FEES } from '../../core/fees.ts';
import { SIM_VENUE_NAMES } from '../venues/index.ts';

export const SIM_WINDOW_MS = 15 * 60_000;
/** 2026-01-01T00:00:00Z: a fixed epoch so a seed alone decides the run. */
export const SIM_START_MS = Date.UTC(2026, 0, 1);

const STEP_MS = 100;
const TIMER_MS = 1_000;
const BOOK_MS = 1_000;
const DISCOVER_AHEAD_MS = 120_000;
const RESOLVE_DELAY_MS = 3_000;
const VOL_ANNUAL = 0.5;
const STATUS_MS = 5_000;
/** A venue silent for longer than this reports `stale` (the median's default staleness). */
const STALE_AFTER_MS = 2_000;
export const SIM_BOOKS_SOURCE = 'polymarket_sim';

export interface SimOptions {
  seed: number;
  startMs?: number;
}

interface SimMarket {
  info: MarketInfo;
  strike: number | null;
  crowdError: number;
  resolved: boolean;
}

export class SimFeed {
  private readonly rng: Rng;
  private readonly startMs: number;
  private btc = 64_000;
  private readonly nextTrade = new Map<string, number>();
  private readonly markets = new Map<number, SimMarket>();
  private tradeSeq = 0;
  private readonly venueTrades = new Map<string, { n: number; lastMs: number | null }>();
  private bookMsgs = 0;

  constructor(opts: SimOptions) {
    this.rng = new Rng(opts.seed);
    this.startMs = opts.startMs ?? SIM_START_MS;
    for (const v of SIM_VENUE_NAMES) this.nextTrade.set(v, this.startMs + this.rng.int(0, 400));
  }

  /** An endless, time-ordered stream of inputs; the caller decides when to stop. */
  *events(): Generator<InputEvent> {
    for (let t = this.startMs; ; t += STEP_MS) yield* this.step(t);
  }

  private *step(t: number): Generator<InputEvent> {
    this.walk();
    yield* this.lifecycle(t);
    if (t % 1_000 === 0) yield { event_type: 'reference_price', source: 'sim', symbol: 'btc/usd', px: this.btc, ts_exchange_ms: t, ts_unix_ms: t };
    yield* this.trades(t);
    if ((t - this.startMs) % BOOK_MS === 0) yield* this.books(t);
    if ((t - this.startMs) % TIMER_MS === 0) yield { event_type: 'timer', ts_unix_ms: t };
    if ((t - this.startMs) % STATUS_MS === 0) yield* this.statuses(t);
  }

  private *statuses(t: number): Generator<InputEvent> {
    const base = { parse_errors: 0, rejected: 0, reconnects: 0, last_error: null, ts_unix_ms: t };
    for (const venue of SIM_VENUE_NAMES) {
      const v = this.venueTrades.get(venue) ?? { n: 0, lastMs: null };
      const stale = v.lastMs === null || t - v.lastMs > STALE_AFTER_MS;
      yield { event_type: 'venue_status', source: venue, state: stale ? 'stale' : 'live', reason: stale ? 'no trade for over 2 s (simulated silence)' : null, messages: v.n, trades: v.n, last_message_ts_ms: v.lastMs, ...base };
    }
    yield { event_type: 'venue_status', source: SIM_BOOKS_SOURCE, state: 'live', reason: null, messages: this.bookMsgs, trades: 0, last_message_ts_ms: this.bookMsgs > 0 ? t : null, ...base };
  }

  private walk(): void {
    const stepVol = VOL_ANNUAL * Math.sqrt(STEP_MS / MS_PER_YEAR);
    let r = stepVol * this.rng.normal();
    if (this.rng.next() < 1 / 3_000) r += (this.rng.next() < 0.5 ? -1 : 1) * 0.003;
    this.btc *= Math.exp(r);
  }

  private *lifecycle(t: number): Generator<InputEvent> {
    const windowStart = Math.floor((t - this.startMs) / SIM_WINDOW_MS) * SIM_WINDOW_MS + this.startMs;
    if (t === this.startMs) yield this.discover(windowStart, t);
    if (t === windowStart + SIM_WINDOW_MS - DISCOVER_AHEAD_MS) yield this.discover(windowStart + SIM_WINDOW_MS, t);
    for (const [start, m] of this.markets) {
      if (t === start) m.strike = this.btc;
      if (!m.resolved && m.strike !== null && t >= start + SIM_WINDOW_MS + RESOLVE_DELAY_MS) {
        m.resolved = true;
        const up = (m.info.price_to_beat ?? m.strike) <= this.btc;
        const winner = m.info.tokens[up ? 0 : 1];
        yield { event_type: 'market_resolved', market_id: m.info.market_id, winning_token_id: winner.token_id, winning_outcome: winner.outcome, source: 'official', ts_unix_ms: t };
        this.markets.delete(start);
      }
    }
  }

  private discover(windowStart: number, t: number): InputEvent {
    const s = windowStart / 1000;
    const info: MarketInfo = {
      market_id: `sim-btc-15m-${s}`,
      slug: `btc-updown-15m-${s}`,
      question: `Bitcoin Up or Down - 15m window starting ${new Date(windowStart).toISOString()}`,
      family: '15m',
      window_start_ms: windowStart,
      window_end_ms: windowStart + SIM_WINDOW_MS,
      tokens: [{ token_id: `sim-${s}-up`, outcome: 'Up' }, { token_id: `sim-${s}-down`, outcome: 'Down' }],
      tick_size: 0.01,
      min_size: 5,
      fee: CRYPTO_FEES,
      resolution: { rule: 'end_gte_start', source: 'sim' },
      price_to_beat: null,
      price_to_beat_estimated: false,
    };
    this.markets.set(windowStart, { info, strike: null, crowdError: 0, resolved: false });
    return { event_type: 'market_discovered', market: info, ts_unix_ms: t };
  }

  private *trades(t: number): Generator<InputEvent> {
    for (const venue of SIM_VENUE_NAMES) {
      let next = this.nextTrade.get(venue)!;
      while (next <= t) {
        next += Math.max(1, Math.round(this.rng.exponential(400)));
        // bitstamp falls silent for the last 20 s of every minute: a stale venue.
        if (venue === 'bitstamp' && (t - this.startMs) % 60_000 >= 40_000) continue;
        let px = this.btc * (1 + this.rng.normal() * 0.0001);
        if (venue === 'okx' && this.rng.next() < 0.02) px *= 1.03;
        const count = this.venueTrades.get(venue) ?? { n: 0, lastMs: null };
        count.n += 1;
        count.lastMs = t;
        this.venueTrades.set(venue, count);
        yield {
          event_type: 'venue_trade', venue, symbol: 'BTC-USD', px: Math.round(px * 100) / 100, qty: Math.round(this.rng.exponential(0.05) * 1e6) / 1e6 + 1e-6,
          side: this.rng.next() < 0.5 ? 'buy' : 'sell', trade_id: `${venue}-${++this.tradeSeq}`, ts_exchange_ms: t - this.rng.int(1, 30), ts_unix_ms: t,
        };
      }
      this.nextTrade.set(venue, next);
    }
  }

  private *books(t: number): Generator<InputEvent> {
    for (const [start, m] of this.markets) {
      if (m.strike === null || t >= start + SIM_WINDOW_MS) continue;
      m.crowdError = 0.9 * m.crowdError + 0.06 * this.rng.normal();
      const fair = fairValueUp(this.btc, m.strike, start + SIM_WINDOW_MS - t, VOL_ANNUAL);
      const pUp = Math.min(0.98, Math.max(0.02, fair + m.crowdError));
      const up = this.ladders(pUp);
      const [upTok, downTok] = m.info.tokens;
      this.bookMsgs += 2;
      yield { event_type: 'book_snapshot', market_id: m.info.market_id, token_id: upTok.token_id, bids: up.bids, asks: up.asks, ts_exchange_ms: t, ts_unix_ms: t };
      // The Down book mirrors the Up book: a Down bid at q is an Up ask at 1 − q.
      const mirror = (ls: Level[]): Level[] => ls.map(([px, size]) => [round2(1 - px), size]);
      yield { event_type: 'book_snapshot', market_id: m.info.market_id, token_id: downTok.token_id, bids: mirror(up.asks), asks: mirror(up.bids), ts_exchange_ms: t, ts_unix_ms: t };
    }
  }

  private ladders(p: number): { bids: Level[]; asks: Level[] } {
    const bestBid = Math.max(1, Math.floor(p * 100 - 0.5));
    const bestAsk = Math.min(99, Math.max(bestBid + 1, Math.ceil(p * 100 + 0.5)));
    const bids: Level[] = [];
    const asks: Level[] = [];
    for (let i = 0; i < 5; i++) {
      if (bestBid - i >= 1) bids.push([(bestBid - i) / 100, this.rng.int(10, 300)]);
      if (bestAsk + i <= 99) asks.push([(bestAsk + i) / 100, this.rng.int(10, 300)]);
    }
    return { bids, asks };
  }
}

const round2 = (x: number): number => Math.round(x * 100) / 100;
