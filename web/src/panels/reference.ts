/** BTC reference: the median and each venue's prints, with the current window's price to beat. */
import { LineStyle, type IPriceLine } from 'lightweight-charts';
import type { ChartFeed, DashboardModel } from '../model.ts';
import { el } from '../dom.ts';
import { Line, makeChart, PALETTE } from '../charts.ts';
import { clock, usd } from '../format.ts';

const SOURCES: Record<string, string> = { chainlink: 'Chainlink BTC/USD', binance: 'Binance BTC/USDT', sim: 'the simulator' };
const RULES: Record<string, string> = {
  end_gte_start: 'end ≥ start',
  avg60_gte_start: '60 s average ≥ start',
  candle_close_gte_open: 'candle close ≥ open',
};

export class ReferencePanel {
  private readonly caption = el('p', { class: 'caption' }, 'waiting for the first median');
  private readonly chart;
  private readonly median: Line;
  private readonly venues = new Map<string, Line>();
  private beat: IPriceLine | null = null;
  private beatPx: number | null = null;

  constructor(body: HTMLElement) {
    const host = el('div', { class: 'chart', 'data-chart': 'reference' });
    body.append(this.caption, host);
    this.chart = makeChart(host);
    this.median = new Line(this.chart, {
      color: getComputedStyle(document.documentElement).getPropertyValue('--accent').trim() || '#2962ff',
      title: 'median',
      lineWidth: 3,
    });
  }

  private venue(name: string): Line {
    let line = this.venues.get(name);
    if (!line) {
      const color = PALETTE[this.venues.size % PALETTE.length]!;
      // Venue prints do not set the scale: an outlier print (okx in the sim, 3% off) would flatten the median.
      line = new Line(this.chart, {
        color,
        title: name,
        lineWidth: 1,
        lineVisible: false,
        pointMarkersVisible: true,
        pointMarkersRadius: 2,
        lastValueVisible: false,
        autoscaleInfoProvider: () => null,
      });
      this.venues.set(name, line);
    }
    return line;
  }

  /** Chart points queued by the model since the last frame. */
  feed(f: ChartFeed): void {
    if (f.reset) {
      this.median.set(f.median);
      for (const line of this.venues.values()) line.set([]);
    } else for (const p of f.median) this.median.push(p.t, p.v);
    for (const p of f.venues) if (this.venues.size < PALETTE.length || this.venues.has(p.venue)) this.venue(p.venue).push(p.t, p.v);
  }

  render(m: DashboardModel): void {
    const cur = m.currentMarket();
    const k = cur?.price_to_beat ?? null;
    if (k !== this.beatPx) {
      if (this.beat) this.median.series.removePriceLine(this.beat);
      this.beat =
        k === null
          ? null
          : this.median.series.createPriceLine({
              price: k,
              color: '#888',
              lineStyle: LineStyle.Dashed,
              lineWidth: 1,
              title: 'price to beat',
              axisLabelVisible: true,
            });
      this.beatPx = k;
    }
    if (!cur) {
      this.caption.textContent = m.median
        ? `median ${usd(m.median.px_median)} from ${m.median.venue_count} venues · no market window open now`
        : 'waiting for the first median';
      return;
    }
    const source = `${SOURCES[cur.resolution.source] ?? cur.resolution.source}, ${RULES[cur.resolution.rule] ?? cur.resolution.rule}`;
    const beat =
      k === null
        ? 'price to beat not known yet'
        : `price to beat ${usd(k)}${cur.price_to_beat_estimated ? ' (estimated from the median)' : ''}`;
    this.caption.textContent = `${cur.family} window ${clock(cur.window_start_ms).slice(0, 5)}–${clock(cur.window_end_ms).slice(0, 5)} UTC · ${beat} · resolves on ${source}`;
  }
}
