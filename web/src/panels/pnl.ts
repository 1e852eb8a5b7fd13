/** Positions & PnL: per market and total, equity curve, fees, drawdown. */
import type { ChartFeed, DashboardModel } from '../model.ts';
import { el, Stats, Table } from '../dom.ts';
import { Line, makeChart } from '../charts.ts';
import { clock, px, qty, signedUsd, usd } from '../format.ts';
import { marketName } from './markets.ts';

export class PnlPanel {
  private readonly stats = new Stats(['equity', 'cash', 'realized', 'unrealized', 'fees', 'drawdown', 'max drawdown']);
  private readonly positions = new Table(['market', 'outcome', 'qty', 'avg cost', 'mark (bid)', 'unrealized'], 20, 'no open position');
  private readonly settled = new Table(['settled market', 'winner', 'source', 'realized'], 8, 'no settlement yet');
  private readonly working = new Table(['working order', 'outcome', 'side', 'limit', 'remaining', 'queue ahead'], 20, 'no working order');
  private readonly equity: Line;
  private readonly asOf = el('p', { class: 'caption small' }, '');

  constructor(body: HTMLElement) {
    const host = el('div', { class: 'chart small', 'data-chart': 'equity' });
    body.append(this.stats.root, this.asOf, host, this.positions.root, this.working.root, this.settled.root);
    this.equity = new Line(makeChart(host), { color: '#26a69a', title: 'equity', lineWidth: 2 });
  }

  feed(f: ChartFeed): void {
    if (f.reset) this.equity.set(f.equity);
    else for (const p of f.equity) this.equity.push(p.t, p.v);
  }

  render(m: DashboardModel): void {
    const p = m.pnl;
    const tone = (x: number | undefined) => (x === undefined ? '' : x > 0 ? 'pos' : x < 0 ? 'neg' : '');
    this.stats.set('equity', usd(p?.equity));
    this.stats.set('cash', usd(p?.cash));
    this.stats.set('realized', signedUsd(p?.realized), tone(p?.realized));
    this.stats.set('unrealized', signedUsd(p?.unrealized), tone(p?.unrealized));
    this.stats.set('fees', usd(p?.fees));
    this.stats.set('drawdown', usd(m.drawdown()), m.drawdown() > 0 ? 'neg' : '');
    this.stats.set('max drawdown', usd(m.maxDrawdown));
    // The engine reports PnL every 10 s of input time; positions below are marked at the live bid.
    this.asOf.textContent = p
      ? `totals as of ${clock(p.ts_unix_ms)} UTC (reported every 10 s); positions marked at the live best bid`
      : 'no PnL reported yet';
    this.positions.render(
      [...m.positions.values()].map((pos) => {
        const book = m.markets.get(pos.market_id)?.books.get(pos.token_id);
        const mark = book?.bid ?? null;
        const unreal = mark === null ? null : (mark - pos.avg_cost) * pos.qty;
        return [
          marketName(m, pos.market_id),
          pos.outcome,
          { text: qty(pos.qty), cls: 'r' },
          { text: px(pos.avg_cost), cls: 'r' },
          { text: px(mark), cls: 'r' },
          { text: signedUsd(unreal), cls: `r ${tone(unreal ?? undefined)}` },
        ];
      }),
    );
    // Resting orders show the shares ahead of them at their price; orders still in their latency show none yet.
    this.working.render(
      m.orders
        .list()
        .map((o) => [
          marketName(m, o.market_id),
          o.outcome,
          o.side,
          { text: px(o.limit_px), cls: 'r' },
          { text: qty(o.remaining_qty), cls: 'r' },
          { text: o.queue_ahead_qty === null ? 'in flight' : qty(o.queue_ahead_qty), cls: 'r' },
        ]),
    );
    this.settled.render(
      m.settlements.map((s) => [
        marketName(m, s.market_id),
        s.winning_outcome + (s.corrects_outcome ? ` (corrected from ${s.corrects_outcome})` : ''),
        s.source,
        { text: signedUsd(s.realized_pnl), cls: `r ${tone(s.realized_pnl)}` },
      ]),
    );
  }
}
