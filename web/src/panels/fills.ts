/** Paper Fills: newest first, bounded. Liquidity: T = taker, M = maker (a resting GTC order). */
import type { DashboardModel } from '../model.ts';
import { LIMITS } from '../model.ts';
import { Table } from '../dom.ts';
import { clock, px, qty, span, usd } from '../format.ts';
import { marketName } from './markets.ts';

export class FillsPanel {
  private readonly table = new Table(
    ['time', 'market', 'side', 'qty', 'price', 'fee', 'latency', 'liq.'],
    LIMITS.fills,
    'no paper fill yet',
    'fills',
  );

  constructor(body: HTMLElement) {
    body.append(this.table.root);
  }

  render(m: DashboardModel): void {
    this.table.render(
      m.fills.map(({ fill: f, latency_ms }) => [
        clock(f.ts_unix_ms),
        marketName(m, f.market_id),
        { text: `${f.side} ${f.outcome}`, cls: f.side === 'buy' ? 'buy' : 'sell' },
        { text: qty(f.qty) + (f.qty < f.requested_qty ? ` / ${qty(f.requested_qty)}` : ''), cls: 'r' },
        { text: px(f.fill_px), cls: 'r' },
        { text: usd(f.fee), cls: 'r' },
        { text: span(latency_ms), cls: 'r' },
        f.liquidity === 'taker' ? 'T' : 'M',
      ]),
    );
  }
}
