/**
 * lightweight-charts (TradingView, Apache-2.0) helpers: charts follow the page's light or
 * dark theme, and a line series that only ever moves forward in time (the library
 * refuses an update older than the last point; a new run starts over with `set`).
 */
import {
  createChart,
  LineSeries,
  type IChartApi,
  type ISeriesApi,
  type LineSeriesPartialOptions,
  type UTCTimestamp,
} from 'lightweight-charts';

export const PALETTE = ['#e6194b', '#3cb44b', '#4363d8', '#f58231', '#911eb4', '#42d4f4', '#f032e6', '#9a6324'];

const css = (name: string) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

function themeOptions() {
  return {
    layout: { background: { color: css('--panel') }, textColor: css('--muted'), fontSize: 11 },
    grid: { vertLines: { color: css('--grid') }, horzLines: { color: css('--grid') } },
    rightPriceScale: { borderColor: css('--grid') },
    timeScale: { borderColor: css('--grid'), timeVisible: true, secondsVisible: true },
  };
}

const charts = new Set<IChartApi>();
const dark = window.matchMedia('(prefers-color-scheme: dark)');
dark.addEventListener('change', () => {
  for (const c of charts) c.applyOptions(themeOptions());
});

export function makeChart(host: HTMLElement): IChartApi {
  const chart = createChart(host, { autoSize: true, ...themeOptions() });
  charts.add(chart);
  return chart;
}

export const toTime = (ms: number) => Math.floor(ms / 1000) as UTCTimestamp;

/** Points a line keeps; past it the oldest fifth is dropped (a day at 10x would otherwise pile up). */
const MAX_POINTS = 5_000;

/** A line that accepts points in time order only; an older point is dropped, not thrown. */
export class Line {
  readonly series: ISeriesApi<'Line'>;
  private lastT = -Infinity;
  private data: Array<{ time: UTCTimestamp; value: number }> = [];

  constructor(chart: IChartApi, opts: LineSeriesPartialOptions) {
    this.series = chart.addSeries(LineSeries, { lineWidth: 2, priceLineVisible: false, lastValueVisible: true, ...opts });
  }

  set(points: Array<{ t: number; v: number }>): void {
    const data: Array<{ time: UTCTimestamp; value: number }> = [];
    for (const p of points) {
      const time = toTime(p.t);
      const last = data[data.length - 1];
      if (last && time < last.time) continue;
      if (last && time === last.time) last.value = p.v;
      else data.push({ time, value: p.v });
    }
    this.data = data.slice(-MAX_POINTS);
    this.series.setData(this.data);
    this.lastT = this.data.length > 0 ? this.data[this.data.length - 1]!.time : -Infinity;
  }

  push(t: number, v: number): void {
    const time = toTime(t);
    if (time < this.lastT || !Number.isFinite(v)) return;
    const last = this.data[this.data.length - 1];
    if (last && last.time === time) last.value = v;
    else this.data.push({ time, value: v });
    this.lastT = time;
    if (this.data.length > MAX_POINTS) {
      this.data = this.data.slice(MAX_POINTS / 5);
      this.series.setData(this.data);
    } else this.series.update({ time, value: v });
  }
}
