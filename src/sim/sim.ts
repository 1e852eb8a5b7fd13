/**
 * Seeded market simulator: the same seed (and settings) always yields the same input
 * sequence, and the same world — BTC path, oracle, outcomes — whatever the strategy does.
 *
 * - The world (world.ts): BTC follows a random walk with jumps; an oracle (the markets'
 *   resolution source, emitted as `reference_price` once a second) reports it with a lag
 *   and a mean-reverting basis.
 * - Six venues print trades around the true price. One venue (bitstamp) goes silent for
 *   part of every minute (stale), one (okx) now and then prints a far-off outlier.
 * - One BTC up/down market per window (15 minutes by default), discovered two minutes
 *   before it opens. Its books depend on the market profile (profile.ts): `efficient`
 *   makers quote around the true probability of Up and react to our fills (makers.ts);
 *   `noisy` books add a crowd error to the fair-value model (noisyBook.ts).
 * - Each window resolves from the sim's own oracle prints exactly by the market's rule
 *   (core/resolution.ts), announced a few seconds after the end.
 * - Every 5 s each venue and the simulated Polymarket books report their health as the
 *   live feeds do (`venue_status`), last in their step and without drawing from the RNG,
 *   so the trades, books and fills of a seed are the same as without them.
 *
 * What strategies see is only what a live run sees: venue prints, books, oracle prints,
 * discovery and results. Our fills reach the makers through `observe`, which the run loop
 * calls with every output event; it changes only the books, never the world.
 */
import type { InputEvent, MarketFamily, MarketInfo, ReferencePrice } from '../core/events.ts';
import type { OutputEvent } from '../core/outputs.ts';
import { Rng } from '../core/rng.ts';
import { CRYPTO_FEES } from '../core/fees.ts';
import { AVG_WINDOW_MS, decidedAt, openingValue, ownOutcome, PRINT_TOLERANCE_MS } from '../core/resolution.ts';
import { simRealism, type SimMarketName, type SimRealism } from './profile.ts';
import { STEP_MS, SimWorld } from './world.ts';
import { MakerBook } from './makers.ts';
import { NoisyBook } from './noisyBook.ts';
import { takerTrades } from './takers.ts';

export const SIM_WINDOW_MS = 15 * 60_000;
/** 2026-01-01T00:00:00Z: a fixed epoch so a seed alone decides the run. */
export const SIM_START_MS = Date.UTC(2026, 0, 1);

const TIMER_MS = 1_000;
const ORACLE_MS = 1_000;
const DISCOVER_AHEAD_MS = 120_000;
const RESOLVE_DELAY_MS = 3_000;
const FAMILIES: Readonly<Record<number, MarketFamily>> = { 300_000: '5m', 900_000: '15m', 3_600_000: '1h' };
const STATUS_MS = 5_000;
/** A venue silent for longer than this reports `stale` (the median's default staleness). */
const STALE_AFTER_MS = 2_000;
export const SIM_BOOKS_SOURCE = 'polymarket_sim';
/**
 * The sim venue's maker rebate: a share of the taker fee paid to the resting side. An
 * assumption of the sim (live markets carry their own `feeSchedule.rebateRate`).
 */
export const SIM_REBATE_RATE = 0.2;

export interface SimOptions {
  seed: number;
  startMs?: number;
  /** The market profile (default `efficient`). */
  market?: SimMarketName;
  /** Realism settings over the profile's (undefined or null keeps the profile's). */
  realism?: { [K in keyof SimRealism]?: SimRealism[K] | null };
  /** Window length: 5, 15 (default) or 60 minutes. */
  windowMs?: number;
  /**
   * The venues the simulator prints trades for, in order. The composition passes the venue
   * registry's list (src/venues/index.ts); the sim stays pure and below the edges, so it
   * takes the names instead of importing the registry.
   */
  venues?: readonly string[];
}

/** The registry's venues as of this writing; used when no list is passed (tests check it matches). */
export const DEFAULT_SIM_VENUES: readonly string[] = ['coinbase', 'kraken', 'bitstamp', 'okx', 'bybit', 'binance'];

interface SimMarket {
  info: MarketInfo;
  strike: number | null;
  book: MakerBook | NoisyBook;
}

/**
 * Independent streams of one seed. mulberry32's state advances by a fixed odd constant, so
 * seeds 2³⁰ apart are the same sequence 2³⁰ draws apart: far more than any run draws.
 */
const stream = (seed: number, n: number) => new Rng((seed + n * 2 ** 30) >>> 0);

export class SimFeed {
  readonly market: SimMarketName;
  readonly realism: SimRealism;
  readonly world: SimWorld;
  readonly windowMs: number;
  private readonly venueRng: Rng;
  private readonly bookRng: Rng;
  private readonly takerRng: Rng;
  private readonly startMs: number;
  private readonly family: MarketFamily;
  private readonly venues: readonly string[];
  private readonly nextTrade = new Map<string, number>();
  private readonly markets = new Map<string, SimMarket>();
  /**
   * The oracle's prints, as emitted: what the markets resolve on. Only those a market may
   * still read are kept (pruned at each resolution), so the buffer stays small.
   */
  private prints: ReferencePrice[] = [];
  private tradeSeq = 0;
  private nowMs: number;
  private readonly venueTrades = new Map<string, { n: number; lastMs: number | null }>();
  private bookMsgs = 0;
  private tapePrints = 0;

  constructor(opts: SimOptions) {
    this.market = opts.market ?? 'efficient';
    this.realism = simRealism(this.market, opts.realism);
    this.world = new SimWorld(this.realism, stream(opts.seed, 0));
    this.venueRng = stream(opts.seed, 1);
    this.bookRng = stream(opts.seed, 2);
    this.takerRng = stream(opts.seed, 3);
    this.startMs = opts.startMs ?? SIM_START_MS;
    this.nowMs = this.startMs;
    this.windowMs = opts.windowMs ?? SIM_WINDOW_MS;
    const family = FAMILIES[this.windowMs];
    if (!family) throw new RangeError(`sim windows are 5, 15 or 60 minutes, not ${this.windowMs} ms`);
    this.family = family;
    this.venues = opts.venues ?? DEFAULT_SIM_VENUES;
    for (const v of this.venues) this.nextTrade.set(v, this.startMs + this.venueRng.int(0, 400));
  }

  /** An endless, time-ordered stream of inputs; the caller decides when to stop. */
  *events(): Generator<InputEvent> {
    for (let t = this.startMs; ; t += STEP_MS) yield* this.step(t);
  }

  /** `drive()`'s observe hook: every output of an input reaches `observe` below. */
  readonly observeRun = (_input: InputEvent, outs: readonly OutputEvent[]): void => {
    for (const e of outs) this.observe(e);
  };

  /** The run loop's feedback: our taker fills reach the efficient makers. Other events are ignored. */
  readonly observe = (e: OutputEvent): void => {
    if (e.event_type !== 'paper_fill' || e.liquidity !== 'taker') return;
    const m = this.markets.get(e.market_id);
    if (m && m.book instanceof MakerBook) m.book.onTakerFill(e.outcome, e.side, e.qty, e.ts_unix_ms);
  };

  /** The true probability of Up of a market now (null before its price to beat): for tests and measurements. */
  truthUp(marketId: string): number | null {
    const m = this.markets.get(marketId);
    if (!m || m.strike === null) return null;
    return this.world.trueUp(m.strike, this.nowMs, m.info.window_end_ms);
  }

  /** The efficient makers' Up book of a market (null for the noisy profile or an unknown market): for tests. */
  makerBook(marketId: string): (ReturnType<MakerBook['upLevels']> & { unpublished: number }) | null {
    const m = this.markets.get(marketId);
    return m && m.book instanceof MakerBook ? { ...m.book.upLevels(), unpublished: m.book.unpublished } : null;
  }

  private *step(t: number): Generator<InputEvent> {
    this.nowMs = t;
    this.world.step();
    for (const m of this.markets.values()) if (m.book instanceof MakerBook) yield* this.countedBooks(m.book.flush(t));
    if ((t - this.startMs) % ORACLE_MS === 0) yield this.oraclePrint(t);
    yield* this.lifecycle(t);
    yield* this.trades(t);
    if (this.requoteNow(t)) yield* this.countedBooks(this.books(t));
    yield* this.takers(t);
    if ((t - this.startMs) % TIMER_MS === 0) yield { event_type: 'timer', ts_unix_ms: t };
    if ((t - this.startMs) % STATUS_MS === 0) yield* this.statuses(t);
  }

  private *countedBooks(books: Iterable<InputEvent>): Generator<InputEvent> {
    for (const b of books) {
      this.bookMsgs += 1;
      yield b;
    }
  }

  private *statuses(t: number): Generator<InputEvent> {
    const base = { parse_errors: 0, rejected: 0, reconnects: 0, last_error: null, ts_unix_ms: t };
    for (const venue of this.venues) {
      const v = this.venueTrades.get(venue) ?? { n: 0, lastMs: null };
      const stale = v.lastMs === null || t - v.lastMs > STALE_AFTER_MS;
      yield {
        event_type: 'venue_status',
        source: venue,
        state: stale ? 'stale' : 'live',
        reason: stale ? 'no trade for over 2 s (simulated silence)' : null,
        messages: v.n,
        trades: v.n,
        last_message_ts_ms: v.lastMs,
        ...base,
      };
    }
    yield {
      event_type: 'venue_status',
      source: SIM_BOOKS_SOURCE,
      state: 'live',
      reason: null,
      messages: this.bookMsgs + this.tapePrints,
      trades: this.tapePrints,
      last_message_ts_ms: this.bookMsgs > 0 ? t : null,
      ...base,
    };
  }

  private oraclePrint(t: number): InputEvent {
    const p = {
      event_type: 'reference_price',
      source: 'sim',
      symbol: 'btc/usd',
      px: this.world.oraclePx(),
      ts_exchange_ms: t,
      ts_unix_ms: t,
    } as const;
    this.prints.push(p);
    return p;
  }

  private *lifecycle(t: number): Generator<InputEvent> {
    const windowStart = Math.floor((t - this.startMs) / this.windowMs) * this.windowMs + this.startMs;
    if (t === this.startMs) yield this.discover(windowStart, t);
    if (t === windowStart + this.windowMs - DISCOVER_AHEAD_MS) yield this.discover(windowStart + this.windowMs, t);
    for (const [id, m] of this.markets) {
      const { window_start_ms: start, window_end_ms: end } = m.info;
      const prints = this.prints;
      if (m.strike === null && t >= start && decidedAt(prints, start)) m.strike = openingValue(m.info, prints);
      if (t < end + RESOLVE_DELAY_MS) continue;
      this.markets.delete(id);
      // The market's own rule on the oracle's prints; the sim's rules always find their prints.
      const own = ownOutcome(m.info, prints);
      this.prune();
      if (!own) continue;
      const winner = m.info.tokens[own.outcome === 'Up' ? 0 : 1];
      yield {
        event_type: 'market_resolved',
        market_id: id,
        winning_token_id: winner.token_id,
        winning_outcome: winner.outcome,
        source: 'official',
        ts_unix_ms: t,
      };
    }
  }

  /** Drops the prints no remaining market can read (every rule looks at most a minute before its start). */
  private prune(): void {
    let first = Infinity;
    for (const m of this.markets.values()) first = Math.min(first, m.info.window_start_ms);
    const keepFrom = Math.min(first, this.nowMs) - AVG_WINDOW_MS - PRINT_TOLERANCE_MS;
    const drop = this.prints.findIndex((p) => p.ts_exchange_ms >= keepFrom);
    this.prints = drop < 0 ? [] : this.prints.slice(drop);
  }

  private discover(windowStart: number, t: number): InputEvent {
    const s = windowStart / 1000;
    const f = this.family;
    const info: MarketInfo = {
      market_id: `sim-btc-${f}-${s}`,
      slug: `btc-updown-${f}-${s}`,
      question: `Bitcoin Up or Down - ${f} window starting ${new Date(windowStart).toISOString()}`,
      family: f,
      window_start_ms: windowStart,
      window_end_ms: windowStart + this.windowMs,
      tokens: [
        { token_id: `sim-${s}-up`, outcome: 'Up' },
        { token_id: `sim-${s}-down`, outcome: 'Down' },
      ],
      tick_size: 0.01,
      min_size: 5,
      fee: { ...CRYPTO_FEES, rebate_rate: SIM_REBATE_RATE },
      resolution: { rule: 'end_gte_start', source: 'sim' },
      price_to_beat: null,
      price_to_beat_estimated: false,
      // Last, in the schema's order: a replay re-reads the record through the schema, and the digest compares key order too.
      taker_delay_ms: 0,
    };
    const book =
      this.market === 'efficient' ? new MakerBook(info, this.realism, this.bookRng) : new NoisyBook(info, this.realism, this.bookRng);
    this.markets.set(info.market_id, { info, strike: null, book });
    return { event_type: 'market_discovered', market: info, ts_unix_ms: t };
  }

  private *trades(t: number): Generator<InputEvent> {
    const rng = this.venueRng;
    const { outageMsPerMinute, outlierRate } = this.realism;
    for (const venue of this.venues) {
      let next = this.nextTrade.get(venue)!;
      while (next <= t) {
        next += Math.max(1, Math.round(rng.exponential(400)));
        // bitstamp falls silent for the last part of every minute: a stale venue.
        if (venue === 'bitstamp' && (t - this.startMs) % 60_000 >= 60_000 - outageMsPerMinute) continue;
        let px = this.world.btc * (1 + rng.normal() * 0.0001);
        if (venue === 'okx' && rng.next() < outlierRate) px *= 1.03;
        const count = this.venueTrades.get(venue) ?? { n: 0, lastMs: null };
        count.n += 1;
        count.lastMs = t;
        this.venueTrades.set(venue, count);
        yield {
          event_type: 'venue_trade',
          venue,
          symbol: 'BTC-USD',
          px: Math.round(px * 100) / 100,
          qty: Math.round(rng.exponential(0.05) * 1e6) / 1e6 + 1e-6,
          side: rng.next() < 0.5 ? 'buy' : 'sell',
          trade_id: `${venue}-${++this.tradeSeq}`,
          ts_exchange_ms: t - rng.int(1, 30),
          ts_unix_ms: t,
        };
      }
      this.nextTrade.set(venue, next);
    }
  }

  /**
   * Efficient makers requote at random moments, `bookMs` apart on average (one draw every
   * step, whatever happens), so no latency lines up with the book's rhythm; the noisy books
   * keep the first simulator's clock.
   */
  private requoteNow(t: number): boolean {
    if (this.market === 'noisy') return (t - this.startMs) % this.realism.bookMs === 0;
    return this.bookRng.next() < STEP_MS / this.realism.bookMs;
  }

  /** Noise and informed takers on every open market with books (takers.ts): the public tape. */
  private *takers(t: number): Generator<InputEvent> {
    for (const m of this.markets.values()) {
      if (t < m.info.window_start_ms || t >= m.info.window_end_ms) continue;
      const truth = m.strike === null ? null : this.world.trueUp(m.strike, t, m.info.window_end_ms);
      for (const p of takerTrades(m.info, m.book, truth, this.realism, this.takerRng, t)) {
        this.tapePrints += 1;
        yield p;
      }
    }
  }

  private *books(t: number): Generator<InputEvent> {
    for (const m of this.markets.values()) {
      if (m.strike === null || t >= m.info.window_end_ms) continue;
      if (m.book instanceof MakerBook) yield* m.book.requote(this.world.trueUp(m.strike, t, m.info.window_end_ms), t);
      else yield* m.book.requote(this.world.btc, m.strike, t);
    }
  }
}
