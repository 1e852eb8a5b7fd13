/**
 * `polylab report [--run ID] [--csv FILE] [--json] [--html FILE]` and `polylab runs`: read
 * the journal in POLYLAB_DATA_DIR (read-only, so they can run while the lab is running).
 * A run that stopped cleanly also has its final trust figures (src/analytics) in the journal:
 * the report prints them, --json carries them, --html draws them.
 */
import fs from 'node:fs';
import { z } from 'zod';
import type { Command } from 'commander';
import { loadConfig } from '../app/config.ts';
import type { Db } from '../journal/db.ts';
import { openJournalReadonly } from '../journal/db.ts';
import { equityCurve, getTrust, lastRun, listRuns } from '../journal/queries.ts';
import { buildReport, csvLines, formatReport } from '../journal/runReport.ts';
import { checkOutputFile } from '../app/startChecks.ts';
import { StrategiesResponseSchema, TrustReportSchema, type StrategyRow } from '../core/trustWire.ts';
import { formatTrust, type TrustReport } from '../analytics/trustReport.ts';
import { renderTrustHtml } from '../analytics/trustHtml.ts';
import { formatCompare } from '../app/lanes.ts';

interface ReportFlags {
  run?: string;
  csv?: string;
  json?: boolean;
  html?: string;
}

const RangeSeriesSchema = z.array(
  z.object({ ts_unix_ms: z.number(), optimistic: z.number(), default: z.number(), pessimistic: z.number() }),
);

interface StoredTrust {
  report: TrustReport;
  range: z.infer<typeof RangeSeriesSchema>;
  strategies: StrategyRow[];
}

/** The run's trust figures as journaled when it stopped; null when it has none (or they do not parse). */
function storedTrust(db: Db, runId: string): StoredTrust | null {
  const row = getTrust(db, runId);
  if (!row) return null;
  try {
    const report = TrustReportSchema.safeParse(JSON.parse(row.report));
    const range = RangeSeriesSchema.safeParse(JSON.parse(row.range));
    const strategies = StrategiesResponseSchema.shape.strategies.safeParse(JSON.parse(row.strategies));
    return report.success && range.success && strategies.success
      ? { report: report.data, range: range.data, strategies: strategies.data }
      : null;
  } catch {
    return null;
  }
}

const NO_TRUST = '  trust         none journaled for this run (it is still running, or did not stop cleanly)';

function reportText(base: string, t: StoredTrust | null): string {
  if (!t) return `${base}\n${NO_TRUST}`;
  const lines = [base, ...formatTrust(t.report)];
  if (t.strategies.length > 0) lines.push(formatCompare(t.strategies));
  return lines.join('\n');
}

async function writeLines(file: string, lines: Iterable<string>): Promise<number> {
  const out = fs.createWriteStream(file);
  let n = 0;
  for (const line of lines) {
    n += 1;
    if (!out.write(`${line}\n`)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  return n - 1;
}

export async function reportCommand(flags: ReportFlags): Promise<number> {
  const cfg = loadConfig(process.env);
  // An output that cannot be written is one line up front (exit 2), not a stack trace after the report.
  if (flags.html !== undefined) checkOutputFile(flags.html, '--html');
  if (flags.csv !== undefined) checkOutputFile(flags.csv, '--csv');
  const db = openJournalReadonly(cfg.dataDir);
  try {
    const runId = flags.run ?? lastRun(db)?.run_id;
    const run = listRuns(db).find((r) => r.run_id === runId);
    if (!run) {
      process.stderr.write(
        runId
          ? `polylab report: no run ${runId} in ${cfg.dataDir} (see \`polylab runs\`)\n`
          : `polylab report: no run in ${cfg.dataDir} yet\n`,
      );
      return 1;
    }
    const report = buildReport(db, run);
    const trust = storedTrust(db, run.run_id);
    const text = reportText(formatReport(report), trust);
    process.stdout.write(
      flags.json
        ? `${JSON.stringify({ ...report, trust: trust?.report ?? null, strategies: trust?.strategies ?? [] }, null, 2)}\n`
        : `${text}\n`,
    );
    if (flags.html !== undefined) {
      if (!trust) {
        process.stderr.write(`polylab report: run ${run.run_id} has no journaled trust figures; no --html page written\n`);
        return 1;
      }
      fs.writeFileSync(
        flags.html,
        renderTrustHtml({
          title: `Polylab run ${run.run_id}`,
          report: trust.report,
          equity: equityCurve(db, run.run_id),
          range: trust.range,
          summary: text,
        }),
      );
      process.stderr.write(`polylab report: page of run ${run.run_id} written to ${flags.html}\n`);
    }
    if (flags.csv) {
      const rows = await writeLines(flags.csv, csvLines(db, run.run_id));
      process.stderr.write(`polylab report: ${rows} rows of run ${run.run_id} written to ${flags.csv}\n`);
    }
    return 0;
  } finally {
    db.close();
  }
}

export function registerReport(program: Command): void {
  program
    .command('report')
    .description(
      'summary of a journaled run: fills, rejects by reason, settlements, PnL, fees, win rate, edge paid, drawdown, per-market PnL, and how far to trust it',
    )
    .option('--run <id>', 'the run (default: the latest)')
    .option('--csv <file>', "also write the run's fills, rejects, expiries, settlements and equity points as CSV")
    .option('--json', 'print the report as JSON (with the trust report and side-by-side rows)')
    .option('--html <file>', 'also write the summary and the trust charts as one self-contained HTML page')
    .action(async (flags: ReportFlags) => {
      process.exitCode = await reportCommand(flags);
    });
}
