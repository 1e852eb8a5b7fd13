/**
 * The queue models in the PnL range (pure). A resting order's fills depend on where it
 * stood in its price level's queue, which L2 data cannot show (paper/queue.ts): the paper
 * portfolio fills by the configured model, and the execution reports what the other model
 * would have filled from the same prints (`queue_shadow_fill`). Settled side by side, the
 * maker fills of both models give the range of the resting orders' PnL over the queue
 * assumption: each fill adds qty × (payout − price) for a buy (qty × (price − payout) for a
 * sell) plus its rebate. Unlike the price models this one changes quantities, so neither
 * end is always the better: more fills can mean more adverse selection.
 */
import type { OutputOf } from '../core/outputs.ts';
import type { QueueModel } from '../paper/queue.ts';

interface MakerTrade {
  token_id: string;
  side: 'buy' | 'sell';
  qty: number;
  px: number;
  rebate: number;
  model: QueueModel | 'configured';
}

export interface QueueRangeReport {
  configured: QueueModel;
  maker_fills: number;
  shadow_fills: number;
  /** Settled maker PnL under each queue model. */
  pnl: Record<QueueModel, number>;
}

const MAX_PER_MARKET = 20_000;
const MAX_MARKETS = 1_024;

export class QueueRange {
  private configured: QueueModel | null = null;
  private readonly open = new Map<string, MakerTrade[]>();
  private readonly pnl: Record<QueueModel, number> = { conservative: 0, probabilistic: 0 };
  private makerFills = 0;
  private shadowFills = 0;

  onQueue(e: OutputOf<'order_queue'>): void {
    this.configured = e.queue_model;
  }

  onMakerFill(f: OutputOf<'paper_fill'>): void {
    this.makerFills += 1;
    this.push(f.market_id, { token_id: f.token_id, side: f.side, qty: f.qty, px: f.fill_px, rebate: f.rebate ?? 0, model: 'configured' });
  }

  onShadowFill(f: OutputOf<'queue_shadow_fill'>): void {
    this.shadowFills += 1;
    this.push(f.market_id, { token_id: f.token_id, side: f.side, qty: f.qty, px: f.fill_px, rebate: f.rebate, model: f.queue_model });
  }

  onSettlement(marketId: string, winningTokenId: string): void {
    const trades = this.open.get(marketId);
    if (!trades || this.configured === null) return;
    this.open.delete(marketId);
    for (const t of trades) {
      const payout = t.token_id === winningTokenId ? 1 : 0;
      const pnl = (t.side === 'buy' ? t.qty * (payout - t.px) : t.qty * (t.px - payout)) + t.rebate;
      this.pnl[t.model === 'configured' ? this.configured : t.model] += pnl;
    }
  }

  report(): QueueRangeReport | null {
    if (this.configured === null || this.makerFills + this.shadowFills === 0) return null;
    return { configured: this.configured, maker_fills: this.makerFills, shadow_fills: this.shadowFills, pnl: { ...this.pnl } };
  }

  private push(marketId: string, t: MakerTrade): void {
    let list = this.open.get(marketId);
    if (!list) {
      this.open.set(marketId, (list = []));
      if (this.open.size > MAX_MARKETS) this.open.delete(this.open.keys().next().value!);
    }
    if (list.length < MAX_PER_MARKET) list.push(t);
  }
}
