/** Feed Health: each venue and Polymarket source, and the median they make. */
import type { DashboardModel } from '../model.ts';
import { Stats, Table } from '../dom.ts';
import { dash, num, rate, span, usd } from '../format.ts';
import { OFFLINE_HINT } from '../../../src/views/liveness.ts';

const POLYMARKET = /^(polymarket|clob|gamma|rtds)/;

export class FeedHealthPanel {
  private readonly stats = new Stats(['median', 'spread', 'venues in median', 'Polymarket']);
  private readonly table = new Table(
    ['source', 'state', 'reason', 'last msg', 'msg/s', 'trades', 'errors', 'rejected', 'reconn.'],
    24,
    'no feed has reported yet',
  );

  /** Shown while a live run reaches no venue at all (each failing with an error): the hint the CLI prints once. */
  private readonly offline = document.createElement('p');

  constructor(body: HTMLElement) {
    this.offline.className = 'hint bad';
    this.offline.dataset.hint = 'offline';
    this.offline.hidden = true;
    this.offline.textContent = OFFLINE_HINT.charAt(0).toUpperCase() + OFFLINE_HINT.slice(1) + '.';
    body.append(this.stats.root, this.offline, this.table.root);
  }

  render(m: DashboardModel): void {
    const med = m.median;
    this.stats.set('median', usd(med?.px_median));
    this.stats.set('spread', med ? `${num(med.px_spread_bps, 1)} bps` : dash);
    const venues = [...m.sources.values()].filter((s) => !POLYMARKET.test(s.source));
    const contributing = med && m.risk.standDownSinceMs === null ? med.venue_count : 0;
    this.stats.set('venues in median', `${contributing} / ${venues.length}`, contributing === 0 ? 'bad' : '');
    this.offline.hidden = !(
      m.mode === 'paper-live' &&
      venues.length > 0 &&
      venues.every((v) => v.state !== 'live' && v.last_error != null)
    );
    const poly = [...m.sources.values()].filter((s) => POLYMARKET.test(s.source));
    const worst =
      poly.find((s) => s.state === 'down') ??
      poly.find((s) => s.state === 'stale') ??
      poly.find((s) => s.state === 'connecting') ??
      poly[0];
    this.stats.set('Polymarket', worst?.state ?? dash, worst ? `st-${worst.state}` : '');
    const rows = [...venues.sort((a, b) => a.source.localeCompare(b.source)), ...poly.sort((a, b) => a.source.localeCompare(b.source))];
    this.table.render(
      rows.map((s) => [
        s.source,
        { text: s.state, cls: `st-${s.state}` },
        { text: s.reason ?? s.last_error ?? '', cls: 'wrap' },
        span(s.last_message_age_ms),
        rate(s.msgs_per_s),
        String(s.trades),
        { text: String(s.parse_errors), cls: s.parse_errors > 0 ? 'warn' : '' },
        String(s.rejected),
        { text: String(s.reconnects), cls: s.reconnects > 0 ? 'warn' : '' },
      ]),
    );
  }
}
