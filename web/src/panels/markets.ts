/** Markets: each active BTC up/down market, its books and the engine's fair value (from its latest signal) against them. */
import type { DashboardModel, TokenBook } from '../model.ts';
import { LIMITS } from '../model.ts';
import { Table } from '../dom.ts';
import { clock, dash, num, px, qty, span, usd } from '../format.ts';

/** A market's family and window start ("15m 12:30") when known, else its id shortened. */
export function marketName(m: DashboardModel, marketId: string): string {
  const name = m.names.get(marketId);
  if (name) return name;
  return marketId.length > 24 ? `${marketId.slice(0, 10)}…${marketId.slice(-8)}` : marketId;
}

const quote = (b: TokenBook | undefined) => (b ? `${px(b.bid)} / ${px(b.ask)}` : dash);
const depth = (b: TokenBook | undefined) => (b ? `${qty(b.bid_depth)} / ${qty(b.ask_depth)}` : dash);

export class MarketsPanel {
  private readonly table = new Table(
    [
      'family',
      'market',
      'window (UTC)',
      'ends in',
      'price to beat',
      'Up bid / ask',
      'Up depth',
      'Down bid / ask',
      'Down depth',
      'fair Up (signal age)',
      'mid Up',
      'fair − mid',
    ],
    LIMITS.markets,
    'no market discovered yet',
    'markets',
  );

  constructor(body: HTMLElement) {
    body.append(this.table.root);
  }

  render(m: DashboardModel): void {
    const now = m.nowMs ?? 0;
    const rows = [...m.markets.values()].sort(
      (a, b) => a.info.window_end_ms - b.info.window_end_ms || a.info.family.localeCompare(b.info.family),
    );
    this.table.render(
      rows.map(({ info, books }) => {
        const up = [...books.values()].find((b) => b.outcome === 'Up');
        const down = [...books.values()].find((b) => b.outcome === 'Down');
        // The engine's own number, as its strategy last used it (src/views: never recomputed in the page).
        const engineFair = m.fairUp(info);
        const fair = engineFair?.up ?? null;
        const mid = up && up.bid !== null && up.ask !== null ? (up.bid + up.ask) / 2 : null;
        const gap = fair !== null && mid !== null ? fair - mid : null;
        const open = info.window_start_ms <= now;
        return [
          info.family,
          info.slug,
          `${clock(info.window_start_ms).slice(0, 5)}–${clock(info.window_end_ms).slice(0, 5)}`,
          { text: open ? span(info.window_end_ms - now) : `opens in ${span(info.window_start_ms - now)}`, cls: open ? 'r' : 'r muted' },
          {
            text: info.price_to_beat === null ? dash : `${usd(info.price_to_beat)}${info.price_to_beat_estimated ? ' (est.)' : ''}`,
            cls: 'r',
          },
          { text: quote(up), cls: 'r' },
          { text: depth(up), cls: 'r' },
          { text: quote(down), cls: 'r' },
          { text: depth(down), cls: 'r' },
          // A signal comes only when the strategy acts: its age says how old the number is.
          { text: engineFair === null ? dash : `${px(fair)} (${span(now - engineFair.ts_unix_ms)})`, cls: 'r' },
          { text: px(mid), cls: 'r' },
          {
            text: gap === null ? dash : `${gap > 0 ? '+' : ''}${num(gap * 100, 1)} pp`,
            cls: gap === null ? 'r' : gap > 0 ? 'r pos' : 'r neg',
          },
        ];
      }),
    );
  }
}
