/**
 * The order books the fake Polymarket serves, one per outcome token, in the CLOB's own
 * message shapes: a market-channel `book` snapshot, a current-shape `price_change` (with
 * the venue's best bid / ask after it, which the lab checks), and the REST `/book` body.
 * Shapes: test/fixtures/polymarket/ws_market_book.json, ws_market_price_change_new.json,
 * clob_book_live_shape_btc_updown.json. Prices are on the 0.01 grid; every number is a
 * string, as the venue sends them.
 */

export type Levels = readonly (readonly [number, number])[];

interface TokenBook {
  market: string;
  bids: Map<number, number>;
  asks: Map<number, number>;
  /** Flips every refresh, so each refresh changes the touch sizes by one share. */
  flip: boolean;
}

/** The fixture book: bids 0.50 / 0.49, asks 0.51 / 0.52. */
export const FIXTURE_BIDS: Levels = [
  [0.5, 200],
  [0.49, 350],
];
export const FIXTURE_ASKS: Levels = [
  [0.51, 150],
  [0.52, 250],
];

const px = (p: number) => p.toFixed(2);
const sz = (s: number) => s.toFixed(1);
const best = (m: Map<number, number>, side: 'bid' | 'ask'): number | null => {
  const prices = [...m.keys()];
  if (prices.length === 0) return null;
  return side === 'bid' ? Math.max(...prices) : Math.min(...prices);
};
const sorted = (m: Map<number, number>, side: 'bid' | 'ask') =>
  [...m.entries()].sort((a, b) => (side === 'bid' ? b[0] - a[0] : a[0] - b[0])).map(([p, s]) => ({ price: px(p), size: sz(s) }));

export class FakeBooks {
  private readonly books = new Map<string, TokenBook>();

  add(market: string, token: string, bids: Levels = FIXTURE_BIDS, asks: Levels = FIXTURE_ASKS): void {
    this.books.set(token, {
      market,
      bids: new Map(bids.map(([p, s]) => [p, s])),
      asks: new Map(asks.map(([p, s]) => [p, s])),
      flip: false,
    });
  }

  has(token: string): boolean {
    return this.books.has(token);
  }

  tokens(): string[] {
    return [...this.books.keys()];
  }

  marketOf(token: string): string | undefined {
    return this.books.get(token)?.market;
  }

  /** Replaces a token's book (the caller then publishes the snapshot). */
  set(token: string, bids: Levels, asks: Levels): void {
    const b = this.books.get(token);
    if (!b) throw new Error(`no book for ${token}`);
    b.bids = new Map(bids.map(([p, s]) => [p, s]));
    b.asks = new Map(asks.map(([p, s]) => [p, s]));
  }

  /** Best bid and ask of a token (what the lab's quotes must show). */
  touch(token: string): { bid: number | null; ask: number | null } {
    const b = this.books.get(token)!;
    return { bid: best(b.bids, 'bid'), ask: best(b.asks, 'ask') };
  }

  /** Market-channel `book` message. */
  snapshot(token: string, nowMs: number): Record<string, unknown> {
    const b = this.books.get(token)!;
    return {
      event_type: 'book',
      market: b.market,
      asset_id: token,
      bids: sorted(b.bids, 'bid').reverse(),
      asks: sorted(b.asks, 'ask').reverse(),
      timestamp: String(nowMs),
      hash: `0x${nowMs.toString(16)}`,
    };
  }

  /** CLOB REST `GET /book?token_id=` body. */
  restBody(token: string, nowMs: number): Record<string, unknown> {
    const b = this.books.get(token)!;
    return {
      market: b.market,
      asset_id: token,
      timestamp: String(nowMs),
      bids: sorted(b.bids, 'bid').reverse(),
      asks: sorted(b.asks, 'ask').reverse(),
      tick_size: '0.01',
      min_order_size: '5',
    };
  }

  /**
   * A `price_change` resizing the touch of each given token by one share (150 ↔ 151): the
   * book changes every refresh (so it stays live and depth our paper fills consumed comes
   * back), while its prices stay where the test put them.
   */
  refresh(market: string, tokens: readonly string[], nowMs: number): Record<string, unknown> | null {
    const changes: Record<string, unknown>[] = [];
    for (const token of tokens) {
      const b = this.books.get(token);
      if (!b || b.market !== market) continue;
      b.flip = !b.flip;
      const bid = best(b.bids, 'bid');
      const ask = best(b.asks, 'ask');
      const touch = { best_bid: bid === null ? '0' : px(bid), best_ask: ask === null ? '1' : px(ask) };
      for (const [side, level, book] of [
        ['BUY', bid, b.bids],
        ['SELL', ask, b.asks],
      ] as const) {
        if (level === null) continue;
        const size = book.get(level)! + (b.flip ? 1 : -1);
        book.set(level, size);
        changes.push({
          asset_id: token,
          price: px(level),
          side,
          size: sz(size),
          hash: `0x${nowMs.toString(16)}${changes.length}`,
          ...touch,
        });
      }
    }
    return changes.length === 0 ? null : { event_type: 'price_change', market, price_changes: changes, timestamp: String(nowMs) };
  }
}
