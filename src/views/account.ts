/**
 * The paper account as the output stream tells it: open positions (from `position`
 * events), trades from first fill to flat, and a cash ledger per market. Settlement is
 * handled here and only here: it clears every position and open trade of its market (the
 * engine sends no qty-0 position for them) and decides the market's PnL.
 */
import type { Outcome } from '../core/events.ts';
import type { PaperFill, Position, Settlement } from '../core/outputs.ts';

/** Below this many shares a holding is flat (fills are float sums). */
const FLAT_SHARES = 1e-9;
/** Market ledgers kept for the per-market table; past it the oldest leaves and its result is kept in two counters. */
export const LEDGERS_MAX = 10_000;

export interface MarketPnl {
  market_id: string;
  fills: number;
  fees: number;
  /** Cash in minus cash out: sells, payouts and rebates less buys and fees. */
  net_cash: number;
  /** Shares still held (0 once settled). */
  open_qty: number;
  winning_outcome: Outcome | null;
  /** Net cash of a settled or flat market (its PnL); null while shares are open. */
  pnl: number | null;
}

interface Ledger {
  market_id: string;
  fills: number;
  fees: number;
  net_cash: number;
  held: Map<string, number>;
  winning_outcome: Outcome | null;
}

/** A token position from its first fill until flat again: what it cost and what it brought in, fees included. */
interface OpenTrade {
  market_id: string;
  qty: number;
  cost: number;
  proceeds: number;
}

export class Account {
  /** Open positions by token, as the engine last reported them. */
  readonly positions = new Map<string, Position>();
  private readonly open = new Map<string, OpenTrade>();
  private readonly ledgers = new Map<string, Ledger>();
  tradesClosed = 0;
  tradesWon = 0;
  /** Won / lost markets whose ledgers left past `ledgersMax`. */
  private retired = { won: 0, lost: 0 };

  constructor(private readonly ledgersMax = LEDGERS_MAX) {}

  onPosition(e: Position): void {
    if (e.qty > 0) this.positions.set(e.token_id, e);
    else this.positions.delete(e.token_id);
  }

  onFill(f: PaperFill): void {
    const buy = f.side === 'buy';
    const m = this.ledger(f.market_id);
    m.fills += 1;
    m.fees += f.fee;
    // A maker rebate is cash in with the fill, like a negative fee.
    const rebate = f.rebate ?? 0;
    m.net_cash += (buy ? -1 : 1) * f.qty * f.fill_px - f.fee + rebate;
    m.held.set(f.token_id, (m.held.get(f.token_id) ?? 0) + (buy ? f.qty : -f.qty));
    let t = this.open.get(f.token_id);
    if (!t) this.open.set(f.token_id, (t = { market_id: f.market_id, qty: 0, cost: 0, proceeds: 0 }));
    if (buy) {
      t.qty += f.qty;
      t.cost += f.qty * f.fill_px + f.fee - rebate;
      return;
    }
    t.qty -= f.qty;
    t.proceeds += f.qty * f.fill_px - f.fee + rebate;
    if (t.qty <= FLAT_SHARES) this.closeTrade(f.token_id, t);
  }

  /**
   * The one settlement rule: the winning token pays 1.00 a share, every position and open
   * trade of the market ends. A correction (official result against our own reading)
   * only moves the market's cash by its adjustment: the positions were already cleared.
   */
  onSettlement(e: Settlement): void {
    const m = this.ledger(e.market_id);
    m.winning_outcome = e.winning_outcome;
    if (e.corrects_outcome !== undefined || e.pnl_adjustment !== undefined) {
      m.net_cash += e.pnl_adjustment ?? 0;
      return;
    }
    m.net_cash += e.payout;
    m.held.clear();
    for (const [token, p] of this.positions) if (p.market_id === e.market_id) this.positions.delete(token);
    for (const [token, t] of this.open) {
      if (t.market_id !== e.market_id) continue;
      if (token === e.winning_token_id) t.proceeds += t.qty;
      this.closeTrade(token, t);
    }
  }

  /** Every market traded, in the order first traded (the newest `ledgersMax`). */
  markets(): MarketPnl[] {
    return [...this.ledgers.values()].map(pnlOf);
  }

  /** Markets settled or flat at a profit / at a loss. */
  marketsWonLost(): { won: number; lost: number } {
    let { won, lost } = this.retired;
    for (const l of this.ledgers.values()) {
      const pnl = pnlOf(l).pnl;
      if (pnl !== null && pnl > 0) won += 1;
      else if (pnl !== null && pnl < 0) lost += 1;
    }
    return { won, lost };
  }

  private closeTrade(token: string, t: OpenTrade): void {
    this.open.delete(token);
    this.tradesClosed += 1;
    if (t.proceeds - t.cost > FLAT_SHARES) this.tradesWon += 1;
  }

  private ledger(id: string): Ledger {
    let m = this.ledgers.get(id);
    if (m) return m;
    if (this.ledgers.size >= this.ledgersMax) this.retireOldest();
    this.ledgers.set(id, (m = { market_id: id, fills: 0, fees: 0, net_cash: 0, held: new Map(), winning_outcome: null }));
    return m;
  }

  private retireOldest(): void {
    const [id, l] = this.ledgers.entries().next().value!;
    this.ledgers.delete(id);
    const pnl = pnlOf(l).pnl;
    if (pnl !== null && pnl > 0) this.retired.won += 1;
    else if (pnl !== null && pnl < 0) this.retired.lost += 1;
  }
}

function pnlOf(l: Ledger): MarketPnl {
  const open = [...l.held.values()].reduce((s, q) => s + Math.max(0, q), 0);
  return {
    market_id: l.market_id,
    fills: l.fills,
    fees: l.fees,
    net_cash: l.net_cash,
    open_qty: open,
    winning_outcome: l.winning_outcome,
    pnl: l.winning_outcome !== null || open <= FLAT_SHARES ? l.net_cash : null,
  };
}
