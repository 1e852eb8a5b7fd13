/**
 * `polylab backtest DIR`: builds the capture of an archive's range (once: a second run over
 * the same range and files reuses it) and replays it through the same engine as
 * `polylab replay`, journaled as a run of mode `backtest`, with the summary, trust lines and
 * (with --strategies) the side-by-side table. Settlement is by Polymarket's official result;
 * there is no own reading of the resolution source (no public Chainlink history).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { pino } from 'pino';
import type { OutputEvent } from '../core/outputs.ts';
import { OutputDigest } from '../app/digest.ts';
import { openCapture } from '../capture/reader.ts';
import { replayConfig, replayInto } from '../app/replaySource.ts';
import { buildAnalytics, buildEngine } from '../app/engineFactory.ts';
import { formatSummary, SummarySink } from '../app/runSummary.ts';
import { openSession } from '../app/session.ts';
import { compareRow, formatCompare, laneRow } from '../app/lanes.ts';
import { renderTrustHtml } from '../analytics/trustHtml.ts';
import { codeVersion } from '../app/version.ts';
import { archiveFingerprint, archiveRange, formatBuildReport, readManifest } from '../history/archive.ts';
import { HistoryError } from '../history/problems.ts';
import { buildHistory } from './history.ts';
import { lanesFrom } from './run.ts';

interface BacktestFlags {
  from?: string;
  to?: string;
  strategy?: string;
  strategies?: string;
  html?: string;
  strict?: boolean;
}

/** The cached capture of a range: reused when the archive and the code are unchanged. */
async function cachedCapture(archive: string, flags: BacktestFlags): Promise<{ dir: string; text: string; built: boolean }> {
  const { fromMs, toMs } = archiveRange(archive, flags.from, flags.to);
  const tag = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace(/[-:]/g, '');
  const dir = path.join(archive, 'captures', `${tag(fromMs)}-${tag(toMs)}`);
  const fingerprint = archiveFingerprint(archive, fromMs, toMs, codeVersion());
  const cached = readManifest(dir);
  if (cached && cached.fingerprint === fingerprint && fs.existsSync(dir))
    return { dir, text: formatBuildReport(cached.report), built: false };
  const report = await buildHistory(archive, dir, { from: flags.from, to: flags.to, strict: flags.strict });
  return { dir, text: formatBuildReport(report), built: true };
}

async function backtestCommand(archive: string, flags: BacktestFlags): Promise<number> {
  let cap: Awaited<ReturnType<typeof cachedCapture>>;
  try {
    cap = await cachedCapture(archive, flags);
  } catch (err) {
    if (!(err instanceof HistoryError)) throw err;
    process.stderr.write(`polylab backtest: ${err.message}\n`);
    return 1;
  }
  process.stderr.write(`${cap.built ? 'built' : 'reusing the capture built earlier in'} ${cap.dir}\n`);
  const capture = await openCapture(cap.dir);
  const h = capture.header;
  const cfg = replayConfig(h.settings, process.env, { strategy: flags.strategy });
  const log = pino({ level: cfg.logLevel, base: { app: 'polylab' } }, pino.destination(2));
  const session = await openSession({
    cfg,
    mode: 'backtest',
    baseRunId: `backtest-${h.run_id.replace(/^history-/, '')}`,
    seed: null,
    strategy: cfg.strategy,
    startMs: h.start_ms,
    restore: null,
    sources: h.sources,
    onJournalError: (message) => log.error({ error: message }, `journal write failed: ${message}`),
  });
  const engine = buildEngine(cfg, 'backtest', session.runId, null, null);
  const summary = new SummarySink();
  const digest = new OutputDigest();
  const analytics = buildAnalytics(cfg);
  const lanes = lanesFrom(flags.strategies, 'backtest', session.runId, null);
  const sink = (e: OutputEvent) => {
    session.sink(e);
    summary.sink(e);
    digest.sink(e);
    if (e.event_type === 'run_started' || e.event_type === 'run_stopped') analytics.observeOutputs([e]);
  };
  for (const e of engine.start(h.start_ms)) sink(e);
  const result = await replayInto(capture, engine, sink, {
    raw: null,
    strict: flags.strict === true,
    speed: 'max',
    backpressure: session.backpressure,
    observe: (input, outs) => {
      analytics.observe(input, outs);
      for (const l of lanes) l.step(input);
    },
  });
  const lastTs = Math.max(result.end?.ts_unix_ms ?? result.lastTsMs ?? h.start_ms, h.start_ms);
  for (const e of engine.stop(lastTs)) sink(e);
  const main = { ...summary.summary(engine.counters.inputs), digest: digest.hex() };
  const trust = analytics.report();
  for (const l of lanes) l.stop();
  const rows = lanes.length > 0 ? [compareRow('main', cfg.strategy, main, trust), ...lanes.map(laneRow)] : [];
  await session.close(lastTs, { report: trust, range: analytics.rangeSeries, strategies: rows });
  let text = `${cap.text}\n${formatSummary(main, trust)}`;
  if (rows.length > 0) text += `\n${formatCompare(rows)}`;
  process.stdout.write(`${text}\n`);
  if (flags.html !== undefined) {
    fs.writeFileSync(
      flags.html,
      renderTrustHtml({
        title: `Polylab backtest ${session.runId}`,
        report: trust,
        equity: engine.portfolio.equityCurve,
        range: analytics.rangeSeries,
        summary: text,
      }),
    );
    process.stderr.write(`report written to ${flags.html}\n`);
  }
  return 0;
}

export function registerBacktest(program: Command): void {
  program
    .command('backtest <archive>')
    .description('build the capture of an archive of public history (cached) and replay it as a run of mode backtest')
    .option('--from <iso>', 'start (ISO date or time, UTC); default: the first PMXT hour of the archive')
    .option('--to <iso>', 'end, exclusive; default: the end of the last PMXT hour')
    .option('--strategy <name>', 'strategy (POLYLAB_STRATEGY)')
    .option('--strategies <file>', 'also run the strategy configurations of this JSON file side by side on the same inputs')
    .option('--html <file>', 'also write the summary and the trust charts as one self-contained HTML page')
    .option('--strict', 'stop at the first bad input instead of skipping it')
    .action(async (archive: string, flags: BacktestFlags) => {
      process.exitCode = await backtestCommand(archive, flags);
    });
}
