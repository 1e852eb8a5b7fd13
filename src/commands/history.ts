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

export function registerHistory(program: Command): void {
  const history = program
    .command('history')
    .description('public history of Polymarket books, Gamma results and BTC trades (docs/history.md)');
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
