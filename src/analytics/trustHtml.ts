/**
 * The trust report as one self-contained HTML page (pure: a string from figures). Charts
 * are inline SVG and the page loads nothing — no script, no font, no stylesheet from
 * anywhere — so it opens offline: the equity curve, the fill-model PnL band, the markout
 * curves, the reliability diagram and the basis chart.
 */
import type { TrustReport } from './trustReport.ts';
import type { ModelPrices } from './fillModels.ts';

export interface HtmlInputs {
  title: string;
  report: TrustReport;
  equity: readonly { ts_unix_ms: number; equity: number }[];
  range: readonly ({ ts_unix_ms: number } & ModelPrices)[];
  /** Summary text shown above the charts (the run summary). */
  summary: string;
}

interface Series {
  name: string;
  color: string;
  points: readonly (readonly [number, number])[];
  dashed?: boolean;
}

const W = 640;
const H = 260;
const PAD = { l: 64, r: 16, t: 28, b: 36 };
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf'];

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const fmt = (x: number) => (Math.abs(x) >= 1000 || Number.isInteger(x) ? x.toFixed(0) : x.toPrecision(3));

/** A line chart with axes; `band` fills between two series (the PnL range). */
function chart(
  title: string,
  xLabel: string,
  yLabel: string,
  series: readonly Series[],
  opts: { band?: [number, number]; xTime?: boolean; square?: boolean } = {},
): string {
  const all = series.flatMap((s) => s.points);
  if (all.length === 0) return `<figure><figcaption>${esc(title)}</figcaption><p class="empty">no data in this run</p></figure>`;
  let [x0, x1] = [Math.min(...all.map((p) => p[0])), Math.max(...all.map((p) => p[0]))];
  let [y0, y1] = [Math.min(...all.map((p) => p[1])), Math.max(...all.map((p) => p[1]))];
  if (opts.square) [x0, x1, y0, y1] = [0, 1, 0, 1];
  if (x1 === x0) x1 = x0 + 1;
  if (y1 === y0) [y0, y1] = [y0 - 1, y1 + 1];
  const sx = (x: number) => PAD.l + ((x - x0) / (x1 - x0)) * (W - PAD.l - PAD.r);
  const sy = (y: number) => H - PAD.b - ((y - y0) / (y1 - y0)) * (H - PAD.t - PAD.b);
  const path = (pts: readonly (readonly [number, number])[]) =>
    pts.map((p, i) => `${i ? 'L' : 'M'}${sx(p[0]).toFixed(1)},${sy(p[1]).toFixed(1)}`).join('');
  const parts: string[] = [];
  if (opts.band) {
    const lo = series[opts.band[0]]!.points;
    const hi = series[opts.band[1]]!.points;
    parts.push(
      `<path d="${path(lo)}${[...hi]
        .reverse()
        .map((p) => `L${sx(p[0]).toFixed(1)},${sy(p[1]).toFixed(1)}`)
        .join('')}Z" fill="#1f77b4" fill-opacity="0.15" stroke="none"/>`,
    );
  }
  if (y0 < 0 && y1 > 0)
    parts.push(`<line x1="${PAD.l}" x2="${W - PAD.r}" y1="${sy(0)}" y2="${sy(0)}" stroke="#999" stroke-dasharray="2,3"/>`);
  if (opts.square) parts.push(`<line x1="${sx(0)}" y1="${sy(0)}" x2="${sx(1)}" y2="${sy(1)}" stroke="#999" stroke-dasharray="4,4"/>`);
  series.forEach((s) => {
    parts.push(
      `<path d="${path(s.points)}" fill="none" stroke="${s.color}" stroke-width="1.6"${s.dashed ? ' stroke-dasharray="5,3"' : ''}/>`,
    );
    if (s.points.length <= 40)
      for (const p of s.points) parts.push(`<circle cx="${sx(p[0]).toFixed(1)}" cy="${sy(p[1]).toFixed(1)}" r="2.5" fill="${s.color}"/>`);
  });
  const xt = (x: number) => (opts.xTime ? new Date(x).toISOString().slice(11, 16) : fmt(x));
  const axes = [
    `<line x1="${PAD.l}" y1="${H - PAD.b}" x2="${W - PAD.r}" y2="${H - PAD.b}" stroke="#333"/>`,
    `<line x1="${PAD.l}" y1="${PAD.t}" x2="${PAD.l}" y2="${H - PAD.b}" stroke="#333"/>`,
    `<text x="${PAD.l}" y="${H - PAD.b + 14}" font-size="10">${esc(xt(x0))}</text>`,
    `<text x="${W - PAD.r}" y="${H - PAD.b + 14}" font-size="10" text-anchor="end">${esc(xt(x1))}</text>`,
    `<text x="${(W + PAD.l) / 2}" y="${H - 6}" font-size="11" text-anchor="middle">${esc(xLabel)}</text>`,
    `<text x="${PAD.l - 4}" y="${sy(y1) + 4}" font-size="10" text-anchor="end">${esc(fmt(y1))}</text>`,
    `<text x="${PAD.l - 4}" y="${sy(y0)}" font-size="10" text-anchor="end">${esc(fmt(y0))}</text>`,
    `<text x="12" y="${(H - PAD.b + PAD.t) / 2}" font-size="11" text-anchor="middle" transform="rotate(-90 12 ${(H - PAD.b + PAD.t) / 2})">${esc(yLabel)}</text>`,
  ];
  const legend = series.map(
    (s, i) => `<text x="${PAD.l + 8 + i * 150}" y="${PAD.t - 10}" font-size="11" fill="${s.color}">${esc(s.name)}</text>`,
  );
  return `<figure><figcaption>${esc(title)}</figcaption><svg viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(title)}">${[...parts, ...axes, ...legend].join('')}</svg></figure>`;
}

export function renderTrustHtml(i: HtmlInputs): string {
  const r = i.report;
  const color = (k: number) => COLORS[k % COLORS.length]!;
  const charts = [
    chart(
      'Equity (paper portfolio, marked at the best bid)',
      'time (UTC)',
      'USD',
      [{ name: 'equity', color: color(0), points: i.equity.map((p) => [p.ts_unix_ms, p.equity] as const) }],
      { xTime: true },
    ),
    chart(
      'Settled PnL under each fill model (the band is the range)',
      'time (UTC)',
      'USD',
      [
        { name: 'pessimistic', color: color(1), points: i.range.map((p) => [p.ts_unix_ms, p.pessimistic] as const), dashed: true },
        { name: 'optimistic', color: color(2), points: i.range.map((p) => [p.ts_unix_ms, p.optimistic] as const), dashed: true },
        { name: 'default', color: color(0), points: i.range.map((p) => [p.ts_unix_ms, p.default] as const) },
      ],
      { band: [0, 1], xTime: true },
    ),
    chart(
      'Markouts: mid move after the fill, our way positive',
      'seconds after the fill',
      'cents per share',
      r.markouts.map((m, k) => ({
        name: `${m.strategy} ${m.side}`,
        color: color(k),
        points: m.horizons.filter((h) => h.mid !== null).map((h) => [h.horizon_ms / 1_000, 100 * h.mid!] as const),
      })),
    ),
    chart(
      'Reliability: observed rate against forecast (diagonal = calibrated)',
      'forecast P(Up)',
      'observed rate of Up',
      r.calibration.map((c, k) => ({
        name: `${c.strategy} ${c.family} (n=${c.count})`,
        color: color(k),
        points: c.bins.filter((b) => b.count > 0).map((b) => [b.mean_forecast!, b.observed_rate!] as const),
      })),
      { square: true },
    ),
    chart(
      'Basis: venue median against each resolution source',
      'time (UTC)',
      'bps',
      r.basis.sources.map((b, k) => ({ name: b.source, color: color(k), points: b.series.map((p) => [p.ts_unix_ms, p.bps] as const) })),
      { xTime: true },
    ),
  ];
  return [
    '<!doctype html>',
    `<html lang="en"><head><meta charset="utf-8"><title>${esc(i.title)}</title>`,
    '<style>body{font:14px system-ui,sans-serif;margin:24px;max-width:700px;color:#222}pre{background:#f6f6f6;padding:12px;overflow-x:auto;font-size:12px}figure{margin:24px 0}figcaption{font-weight:600;margin-bottom:6px}.empty{color:#888}</style>',
    `</head><body><h1>${esc(i.title)}</h1>`,
    '<p>Paper trading only: no order was sent anywhere. How each figure is computed: docs/methodology.md, "How far to trust the paper PnL".</p>',
    `<pre>${esc(i.summary)}</pre>`,
    ...charts,
    '</body></html>',
  ].join('\n');
}
