/**
 * The archive as a whole: its time range, the fingerprint a cached build is checked
 * against (a second backtest over the same range and the same files does not rebuild),
 * and the lines a build report prints.
 */
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { HOUR_MS } from '../capture/format.ts';
import { describeProblem, HistoryError, type Problem } from './problems.ts';
import type { PmxtHourStats } from './pmxt.ts';

const PMXT_HOUR = /^polymarket_orderbook_(\d{4}-\d{2}-\d{2}T\d{2})\.parquet$/;

/** An ISO time (`2026-04-20`, `2026-04-20T12:00Z`) → ms, or a HistoryError naming the flag. */
export function parseIso(flag: string, text: string): number {
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text);
  if (!Number.isFinite(ms)) throw new HistoryError(`${flag} ${text}: not an ISO date or time (e.g. 2026-04-20 or 2026-04-20T12:00Z)`);
  return ms;
}

/** The range asked for, or by default the hours the archive's PMXT files cover. */
export function archiveRange(archive: string, from?: string, to?: string, mayBeNew = false): { fromMs: number; toMs: number } {
  if (!mayBeNew && !fs.existsSync(archive)) throw new HistoryError(`${archive}: no such archive directory`);
  let hours: number[] = [];
  const dir = path.join(archive, 'pmxt');
  if (fs.existsSync(dir))
    hours = fs
      .readdirSync(dir)
      .map((f) => PMXT_HOUR.exec(f)?.[1])
      .filter((h): h is string => h !== undefined)
      .map((h) => Date.parse(`${h}:00:00Z`))
      .sort((a, b) => a - b);
  const fromMs = from !== undefined ? parseIso('--from', from) : hours[0];
  const toMs = to !== undefined ? parseIso('--to', to) : hours.length > 0 ? hours[hours.length - 1]! + HOUR_MS : undefined;
  if (fromMs === undefined || toMs === undefined)
    throw new HistoryError(`${archive}: no PMXT hours in ${dir}; give --from and --to, or put the files there (docs/history.md)`);
  if (!(toMs > fromMs)) throw new HistoryError(`--to must be after --from`);
  return { fromMs, toMs };
}

/** Names, sizes and modification times of every archive file, and the code version. */
export function archiveFingerprint(archive: string, fromMs: number, toMs: number, codeVersion: string): string {
  const h = crypto.createHash('sha256').update(`${fromMs}-${toMs}-${codeVersion}\n`);
  for (const sub of ['pmxt', 'gamma', 'tardis', 'binance', 'bybit']) {
    const dir = path.join(archive, sub);
    if (!fs.existsSync(dir)) continue;
    for (const f of fs.readdirSync(dir).sort()) {
      const st = fs.statSync(path.join(dir, f));
      h.update(`${sub}/${f} ${st.size} ${Math.floor(st.mtimeMs)}\n`);
    }
  }
  return h.digest('hex');
}

export interface BuildReport {
  runId: string;
  fromMs: number;
  toMs: number;
  markets: number;
  v2Markets: number;
  decoys: number;
  rejected: number;
  unresolved: string[];
  pmxt: PmxtHourStats & { hours: number; missingHours: number[] };
  tradeFiles: number;
  trades: Record<string, number>;
  /** Days of the range without a file, per trade source that has files on other days. */
  tradeGaps: string[];
  inputs: number;
  books: { snapshots: number; deltas: number; resyncs: number; unknownToken: number; invalid: number; firstInvalid: string | null };
  problems: Problem[];
  files: string[];
}

export const MANIFEST = 'build.json';
/** Raised whenever the build's output or its report changes shape: older builds are rebuilt. */
export const BUILD_FORMAT = 2;

export interface Manifest {
  fingerprint: string;
  report: BuildReport;
}

/** The manifest of a finished build of this format, or null (none, unreadable, older). */
export function readManifest(dir: string): Manifest | null {
  try {
    const m = JSON.parse(fs.readFileSync(path.join(dir, MANIFEST), 'utf8')) as Manifest & { format?: unknown };
    return m.format === BUILD_FORMAT && typeof m.fingerprint === 'string' ? m : null;
  } catch {
    return null;
  }
}

export function writeManifest(dir: string, m: Manifest): void {
  fs.writeFileSync(path.join(dir, MANIFEST), `${JSON.stringify({ format: BUILD_FORMAT, ...m }, null, 1)}\n`);
}

const iso = (ms: number) => new Date(ms).toISOString().replace(':00.000Z', 'Z');

/** Consecutive missing hours as ranges: `2026-04-20T03:00Z–05:00Z (2 h)`. */
export function gapRanges(hours: readonly number[]): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < hours.length) {
    let j = i;
    while (j + 1 < hours.length && hours[j + 1] === hours[j]! + HOUR_MS) j++;
    out.push(`${iso(hours[i]!)}–${iso(hours[j]! + HOUR_MS)} (${j - i + 1} h)`);
    i = j + 1;
  }
  return out;
}

/** The build's report as the lines `history build` and `backtest` print. */
export function formatBuildReport(r: BuildReport, problemsShown = 20): string {
  const trades = Object.entries(r.trades)
    .sort()
    .map(([v, n]) => `${v} ${n}`)
    .join(', ');
  const lines = [
    `history ${iso(r.fromMs)} → ${iso(r.toMs)}`,
    `  markets       ${r.markets} BTC up/down (${r.v2Markets} with Protocol V2 ids); ${r.decoys} other markets in gamma/ left out; ${r.rejected} rejected`,
    `  unresolved    ${r.unresolved.length === 0 ? 'none' : `${r.unresolved.length}, not settled (Polymarket had not resolved them): ${r.unresolved.slice(0, 5).join(', ')}${r.unresolved.length > 5 ? ', …' : ''}`}`,
    `  books         ${r.pmxt.hours} PMXT hours, ${r.pmxt.rowGroupsRead} of ${r.pmxt.rowGroups} row groups read, ${r.pmxt.rows} rows → ${r.books.snapshots} snapshots, ${r.books.deltas} deltas (${r.books.resyncs} resyncs waited for the next book)`,
    `  trades        ${trades || 'none'} (${r.tradeFiles} files)`,
    `  gaps          ${r.pmxt.missingHours.length === 0 && r.tradeGaps.length === 0 ? 'none' : [...(r.pmxt.missingHours.length > 0 ? [`no PMXT file for ${gapRanges(r.pmxt.missingHours).join(', ')}`] : []), ...r.tradeGaps].join('; ')}`,
    ...(r.books.invalid > 0
      ? [`  bad rows      ${r.books.invalid} PMXT rows refused by the market-channel parser (first: ${r.books.firstInvalid})`]
      : []),
    `  inputs        ${r.inputs}`,
    `  resolution    by Polymarket's official result; price to beat from Gamma's priceToBeat; own reading: unavailable (no public Chainlink history)`,
  ];
  if (r.problems.length > 0) {
    lines.push(`  bad input     ${r.problems.length} (skipped):`);
    for (const p of r.problems.slice(0, problemsShown)) lines.push(`    ${describeProblem(p)}`);
    if (r.problems.length > problemsShown) lines.push(`    … and ${r.problems.length - problemsShown} more`);
  }
  return lines.join('\n');
}
