// Shared fixture for the paper-* tests: one market, its two books and an Execution wired like the engine wires it.
import { OrderBook } from '../../src/core/book.ts';
import type { Level, MarketInfo } from '../../src/core/events.ts';
import type { OutputEvent, OutputOf, OutputEventType } from '../../src/core/outputs.ts';
import { Execution, type ExecutionParams, type OrderRequest } from '../../src/paper/execution.ts';
import { CRYPTO_FEES } from '../../src/core/fees.ts';
import { Portfolio } from '../../src/paper/portfolio.ts';

export const T0 = 1_750_000_000_000;
export const WINDOW_MS = 300_000;

export function market(over: Partial<MarketInfo> = {}): MarketInfo {
  return {
    market_id: 'm1',
    slug: 'btc-updown-5m',
    question: 'BTC up or down?',
    family: '5m',
    window_start_ms: T0,
    window_end_ms: T0 + WINDOW_MS,
    tokens: [
      { token_id: 'up', outcome: 'Up' },
      { token_id: 'down', outcome: 'Down' },
    ],
    tick_size: 0.01,
    min_size: 5,
    fee: CRYPTO_FEES,
    resolution: { rule: 'end_gte_start', source: 'sim' },
    price_to_beat: 100_000,
    price_to_beat_estimated: false,
    ...over,
  };
}

export class Harness {
  readonly books = new Map<string, OrderBook>();
  readonly portfolio: Portfolio;
  readonly counters = { intents: 0, fills: 0, rejects: 0 };
  readonly exec: Execution;
  readonly out: OutputEvent[] = [];
  info: MarketInfo;
  now = T0;
  private seq = 0;

  constructor(params: Partial<ExecutionParams> = {}, info: MarketInfo = market(), cash = 10_000) {
    this.info = info;
    this.portfolio = new Portfolio(cash);
    this.exec = new Execution(
      { latencyMs: 250, slippageBps: 0, ...params },
      { book: (id) => this.books.get(id), market: (id) => (id === this.info.market_id ? this.info : undefined) },
      this.portfolio,
      this.counters,
    );
  }

  /** The engine's order for a book input: match what was due before it, apply it, check resting, match what is due now. */
  book(tokenId: string, tsMs: number, asks: Level[], bids: Level[] = [], tickSize?: number): void {
    this.advance(tsMs, false);
    let b = this.books.get(tokenId);
    if (!b) this.books.set(tokenId, (b = new OrderBook(this.info.tick_size)));
    if (tickSize !== undefined) b.tickSize = tickSize;
    b.snapshot(bids, asks, tsMs);
    this.exec.onBook(tokenId, tsMs, this.out);
    this.exec.matchDue(tsMs, this.out, true);
  }

  /** A print on the tape (`market_trade`) on `tokenId`: resting orders at or inside its price move up their queue and may fill. */
  trade(tokenId: string, tsMs: number, px: number, qty: number): void {
    this.advance(tsMs, false);
    const t = { event_type: 'market_trade', market_id: this.info.market_id, token_id: tokenId, px, qty, side: 'sell' } as const;
    this.exec.onTrade({ ...t, ts_exchange_ms: tsMs, ts_unix_ms: tsMs }, tsMs, this.out);
    this.exec.matchDue(tsMs, this.out, true);
  }

  /** A timer input: time passes, due orders match and resting orders may expire. */
  tick(tsMs: number): void {
    this.advance(tsMs, false);
    this.exec.matchDue(tsMs, this.out, true);
  }

  private advance(tsMs: number, inclusive: boolean): void {
    this.now = Math.max(this.now, tsMs);
    this.exec.matchDue(this.now, this.out, inclusive);
  }

  order(o: Partial<OrderRequest> & Pick<OrderRequest, 'side' | 'qty' | 'limit_px'>, tsMs = this.now): string {
    this.now = Math.max(this.now, tsMs);
    const id = `i${++this.seq}`;
    this.exec.submit({ intent_id: id, market_id: this.info.market_id, token_id: 'up', outcome: 'Up', ...o }, this.now, this.out);
    return id;
  }

  events<T extends OutputEventType>(type: T): OutputOf<T>[] {
    return this.out.filter((e): e is OutputOf<T> => e.event_type === type);
  }
}
