/**
 * The sweep report as one self-contained HTML page (no scripts, no external assets).
 */
import { statsTables, type SweepStats } from './stats.ts';
import { usd } from '../views/format.ts';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function table(head: readonly string[], rows: readonly (string | number)[][]): string {
  const tr = (cells: readonly (string | number)[], tag: 'td' | 'th') =>
    `<tr>${cells.map((c) => `<${tag}>${esc(String(c))}</${tag}>`).join('')}</tr>`;
  return `<table>${tr(head, 'th')}${rows.map((r) => tr(r, 'td')).join('')}</table>`;
}

export function statsHtml(s: SweepStats, dir: string): string {
  const t = statsTables(s);
  const ranking = table(t.ranking.head, t.ranking.rows);
  const folds = table(t.folds.head, t.folds.rows);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Polylab sweep report</title>
<style>body{font:14px system-ui,sans-serif;margin:2em;max-width:70em}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.25em .6em;text-align:left}th{background:#f3f3f3}.warn{color:#a30}</style>
</head><body>
<h1>Sweep report</h1>
<p>${esc(dir)}: ${s.configs} configuration(s) over ${s.periods.length} ${s.unit}(s). Paper trading only.</p>
<h2>Ranking by mean realized PnL per ${s.unit}</h2>
<p>95% bootstrap confidence interval; "pessimistic" is the pessimistic fill model's settled PnL.</p>
${ranking}
<h2>Walk-forward</h2>
<p>The best configuration on every earlier ${s.unit}, scored on the next one it never saw.${s.walkForwardMean === null ? '' : ` Mean out-of-sample PnL: ${usd(s.walkForwardMean)}.`}</p>
${s.folds.length > 0 ? folds : '<p>Needs at least two periods.</p>'}
${s.warnings.map((w) => `<p class="warn">Warning: ${esc(w)}</p>`).join('\n')}
</body></html>
`;
}
