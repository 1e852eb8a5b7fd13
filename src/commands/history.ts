/**
 * `polylab history build DIR --out CAPTURE_DIR`: turns an archive of public history
 * (docs/history.md: PMXT books, Gamma events, Tardis / Binance trades) into a capture that
 * `polylab replay` reads like any other.
 */
import path from 'node:path';
import type { Command } from 'commander';
import { buildCapture, type BuildReport } from '../history/build.ts';
import { archiveFingerprint, archiveRange, formatBuildReport, writeManifest } from '../history/archive.ts';
import { describeProblem, HistoryError } from '../history/problems.ts';
import { codeVersion } from '../app/version.ts';
import { endpointsFrom, fetchHistory, type FetchReport } from '../history/fetch.ts';
import { MarketFamilySchema, type MarketFamily } from '../core/events.ts';
import { VENUE_NAMES } from '../venues/index.ts';

export interface BuildFlags {
  out?: string;
  from?: string;
  to?: string;
  strict?: boolean;
}

/** Builds the capture of `archive` over the range into `out` and writes its manifest. */
export async function buildHistory(archive: string, out: string, flags: BuildFlags): Promise<BuildReport> {
  const { fromMs, toMs } = archiveRange(archive, flags.from, flags.to);
  const version = codeVersion();
  let shown = 0;
  const report = await buildCapture({
    archive,
    out,
    fromMs,
    toMs,
    strict: flags.strict === true,
    codeVersion: version,
    onProblem: (p) => {
      shown += 1;
      if (shown <= 20) process.stderr.write(`polylab history: ${describeProblem(p)}\n`);
    },
  });
  writeManifest(out, { fingerprint: archiveFingerprint(archive, fromMs, toMs, version), report });
  return report;
}

async function buildCommand(archive: string, flags: BuildFlags): Promise<number> {
  if (!flags.out) throw new HistoryError('history build: --out CAPTURE_DIR is required');
  try {
    const report = await buildHistory(archive, path.resolve(flags.out), flags);
    process.stdout.write(`${formatBuildReport(report)}\n  capture       ${report.files.length} file(s) in ${flags.out}\n`);
    return 0;
  } catch (err) {
    if (!(err instanceof HistoryError)) throw err;
    process.stderr.write(`polylab history: ${err.message}\n`);
    return 1;
  }
}

interface FetchFlags {
  from?: string;
  to?: string;
  families?: string;
  venues?: string;
  dir?: string;
}

const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;

/** Bytes so far of the bytes planned (known as footers and Content-Lengths arrive), rate and ETA, on one stderr line. */
function byteMeter(tty: boolean): { add: (n: number) => void; plan: (n: number) => void; stop: () => void } {
  const started = Date.now();
  let bytes = 0;
  let planned = 0;
  let shownMs = 0;
  const show = (final: boolean) => {
    const s = Math.max(0.001, (Date.now() - started) / 1000);
    const rate = bytes / s;
    const left = planned > bytes && rate > 0 ? `, ETA ${Math.ceil((planned - bytes) / rate)} s` : '';
    const line = `fetch ${mb(bytes)} of ${mb(Math.max(planned, bytes))} planned in ${s.toFixed(0)} s (${mb(rate)}/s${final ? '' : left})`;
    process.stderr.write(tty ? `\r${line}${final ? '\n' : ''}` : `${line}\n`);
  };
  return {
    add: (n) => {
      bytes += n;
      if (Date.now() - shownMs >= (tty ? 200 : 10_000)) {
        shownMs = Date.now();
        show(false);
      }
    },
    plan: (n) => {
      planned += n;
    },
    stop: () => show(true),
  };
}

function list<T extends string>(flag: string, text: string | undefined, all: readonly T[], parse: (v: string) => boolean): T[] {
  if (text === undefined) return [...all];
  const items = text
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
  const bad = items.find((v) => !parse(v));
  if (bad !== undefined) throw new HistoryError(`${flag} ${bad}: not one of ${all.join(', ')}`);
  return items as T[];
}

function formatFetch(r: FetchReport): string {
  const pm = r.pmxt.filter((p) => p.status === 'fetched');
  const ratio =
    pm.length > 0
      ? pm.reduce((s, p) => s + p.fetchedBytes, 0) /
        Math.max(
          1,
          pm.reduce((s, p) => s + p.fileBytes, 0),
        )
      : null;
  return [
    `  gamma         ${r.gamma.fetched} events fetched, ${r.gamma.present} already here, ${r.gamma.missing} not published`,
    `  pmxt          ${r.pmxt.map((p) => `${p.hour.slice(21, 34)} ${p.status}${p.fileBytes ? ` ${mb(p.fetchedBytes)} of ${mb(p.fileBytes)}, kept ${mb(p.writtenBytes)}` : ''}`).join('; ') || 'none'}`,
    ...(ratio === null
      ? []
      : [`  pmxt share    ${(ratio * 100).toFixed(2)} % of the hours' bytes fetched (only row groups of wanted markets)`]),
    `  trades        ${r.trades.map((t) => `${t.file} ${t.status}`).join('; ') || 'none'}`,
    ...r.failures.map((f) => `  failed        ${f}`),
  ].join('\n');
}

async function fetchCommand(flags: FetchFlags): Promise<number> {
  if (!flags.from || !flags.to) throw new HistoryError('history fetch: --from and --to are required');
  const endpoints = endpointsFrom(process.env);
  const dataDir = process.env.POLYLAB_DATA_DIR || 'data';
  const dir = path.resolve(flags.dir ?? path.join(dataDir, 'history'));
  const { fromMs, toMs } = archiveRange(dir, flags.from, flags.to, true);
  const families = list<MarketFamily>(
    '--families',
    flags.families,
    MarketFamilySchema.options,
    (v) => MarketFamilySchema.safeParse(v).success,
  );
  const venues = list<string>('--venues', flags.venues, VENUE_NAMES, (v) => (VENUE_NAMES as readonly string[]).includes(v));
  const abort = new AbortController();
  process.once('SIGINT', () => abort.abort());
  const meter = byteMeter(process.stderr.isTTY === true);
  let report: FetchReport;
  try {
    report = await fetchHistory({
      dir,
      fromMs,
      toMs,
      families,
      venues,
      endpoints,
      signal: abort.signal,
      onBytes: meter.add,
      onPlan: meter.plan,
      onNote: (l) => process.stderr.write(`polylab history: ${l}\n`),
    });
  } finally {
    meter.stop();
  }
  process.stdout.write(`history fetch into ${dir}\n${formatFetch(report)}\n`);
  return report.failures.length > 0 ? 1 : 0;
}

export function registerHistory(program: Command): void {
  const history = program
    .command('history')
    .description('public history of Polymarket books, Gamma results and BTC trades (docs/history.md)');
  history
    .command('fetch')
    .description(
      'download the PMXT hours (wanted row groups only), Gamma events and trade files a backtest of the range needs (GET only; resumable)',
    )
    .option('--from <iso>', 'start (ISO date or time, UTC)')
    .option('--to <iso>', 'end, exclusive')
    .option('--families <list>', 'market families, e.g. 5m,15m (default: all of 5m,15m,1h,4h,1d)')
    .option(
      '--venues <list>',
      'trade venues (default: all six; binance, bybit and okx from their own free daily files, the others from Tardis)',
    )
    .option('--dir <dir>', 'the archive directory (default: $POLYLAB_DATA_DIR/history)')
    .action(async (flags: FetchFlags) => {
      try {
        process.exitCode = await fetchCommand(flags);
      } catch (err) {
        if (!(err instanceof HistoryError)) throw err;
        process.stderr.write(`polylab history: ${err.message}\n`);
        process.exitCode = 2;
      }
    });
  history
    .command('build <archive>')
    .description('turn an archive (pmxt/, gamma/, tardis/, binance/) into a capture that polylab replay reads')
    .option('--out <dir>', 'the capture directory to write (replaced)')
    .option('--from <iso>', 'start (ISO date or time, UTC); default: the first PMXT hour of the archive')
    .option('--to <iso>', 'end, exclusive; default: the end of the last PMXT hour')
    .option('--strict', 'stop at the first bad input instead of skipping it')
    .action(async (archive: string, flags: BuildFlags) => {
      process.exitCode = await buildCommand(archive, flags);
    });
}
