/** Risk: rejects by reason over time, kill switch and stand-down state. */
import type { ChartFeed, DashboardModel } from '../model.ts';
import { LIMITS } from '../model.ts';
import { el, Stats, Table } from '../dom.ts';
import { Line, makeChart, PALETTE } from '../charts.ts';
import { clock, signedUsd, span } from '../format.ts';

export class RiskPanel {
  private readonly stats = new Stats(['kill switch', 'strategy', 'rejects']);
  private readonly table = new Table(['reason', 'count', 'last', 'numbers'], 12, 'no reject yet');
  private readonly chart;
  private readonly lines = new Map<string, Line>();

  constructor(body: HTMLElement) {
    const host = el('div', { class: 'chart small', 'data-chart': 'risk' });
    body.append(this.stats.root, host, this.table.root);
    this.chart = makeChart(host);
  }

  private line(reason: string): Line | null {
    let l = this.lines.get(reason);
    if (!l && this.lines.size < LIMITS.reasons) {
      l = new Line(this.chart, { color: PALETTE[this.lines.size % PALETTE.length]!, title: reason, lineWidth: 2 });
      this.lines.set(reason, l);
    }
    return l ?? null;
  }

  /** Cumulative rejects per reason: one line each (the first eight reasons seen). */
  feed(f: ChartFeed): void {
    if (f.reset) for (const l of this.lines.values()) l.set([]);
    for (const s of f.rejects) for (const [reason, n] of Object.entries(s.by_reason)) this.line(reason)?.push(s.t, n);
  }

  render(m: DashboardModel): void {
    const kill = m.killSwitchActive();
    const k = m.risk.killSwitch;
    const dayPnl = k && typeof k.numbers.day_pnl === 'number' ? k.numbers.day_pnl : null;
    this.stats.set(
      'kill switch',
      kill ? `HALTED for the UTC day (day PnL ${signedUsd(dayPnl)})` : 'armed (not tripped)',
      kill ? 'bad' : 'good',
    );
    const down = m.risk.standDownSinceMs;
    this.stats.set(
      'strategy',
      down !== null ? `standing down ${span((m.nowMs ?? down) - down)} (no reference price)` : 'active',
      down !== null ? 'bad' : 'good',
    );
    let total = 0;
    for (const n of m.rejectsByReason.values()) total += n;
    this.stats.set('rejects', String(total));
    const last = new Map<string, (typeof m.rejects)[number]>();
    for (const r of m.rejects) if (!last.has(r.reason)) last.set(r.reason, r);
    const rows = [...m.rejectsByReason.entries()].sort((a, b) => b[1] - a[1]);
    this.table.render(
      rows.map(([reason, n]) => {
        const r = last.get(reason);
        const nums = r
          ? Object.entries(r.numbers)
              .slice(0, 3)
              .map(([k2, v]) => `${k2}=${typeof v === 'number' ? +v.toFixed(4) : v}`)
              .join(', ')
          : '';
        return [
          { text: reason, cls: reason === 'daily_loss_limit' ? 'bad' : '' },
          { text: String(n), cls: 'r' },
          clock(r?.ts_unix_ms),
          { text: nums, cls: 'wrap muted small' },
        ];
      }),
    );
  }
}
