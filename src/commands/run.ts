/**
 * `polylab run` (the default command): one lab, paper-live or sim, with its journal session,
 * API and dashboard, optional side-by-side strategy lanes, and the summary at the end.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { pino, type Logger } from 'pino';
import { ConfigError, loadConfig, venueMinimumWarnings, type Config, type ConfigKey } from '../app/config.ts';
import { SIM_START_MS } from '../sim/sim.ts';
import { buildAnalytics, buildEngine } from '../app/engineFactory.ts';
import { resolveSpeed, type Observe } from '../app/pacing.ts';
import { runSim } from '../app/simRun.ts';
import { formatSummary, SummarySink } from '../app/runSummary.ts';
import { renderTrustHtml } from '../analytics/trustHtml.ts';
import { compareRow, formatCompare, Lane, laneRow, parseStrategiesFile, type LaneSpec } from '../app/lanes.ts';
import type { OutputEvent, RunMode } from '../core/outputs.ts';
import type { Engine } from '../engine/engine.ts';
import type { Analytics } from '../analytics/analytics.ts';
import type { RunningApi } from '../api/start.ts';
import { checkCaptureDir, checkOutputFile } from '../app/startChecks.ts';
import { JournalDown } from '../app/journalDown.ts';
import type { Session, SessionEnd } from '../app/session.ts';
import { runPaperLive } from '../app/paperLive.ts';
import { openRunSession } from '../app/session.ts';
import { OutputDigest } from '../app/digest.ts';

type RunFlags = {
  mode?: string;
  seed?: string;
  duration?: string;
  speed?: string;
  port?: string;
  host?: string;
  serve?: boolean;
  strategies?: string;
  html?: string;
  simMarket?: string;
  capture?: string;
  fresh?: boolean;
};

function configFrom(flags: RunFlags): Config {
  const f: Partial<Record<ConfigKey, unknown>> = {
    mode: flags.mode,
    seed: flags.seed,
    durationMs: flags.duration,
    speed: flags.speed,
    port: flags.port,
    host: flags.host,
    serve: flags.serve,
    simMarket: flags.simMarket,
    captureDir: flags.capture,
  };
  return loadConfig(process.env, f);
}

export async function runCommand(flags: RunFlags): Promise<number> {
  const cfg = configFrom(flags);
  // Everything a user can get wrong is checked before the journal opens, so a start that
  // cannot work stops at once with one line and leaves no run behind.
  const laneSpecs = readLanes(flags.strategies);
  if (flags.html !== undefined) checkOutputFile(flags.html, '--html');
  if (cfg.captureDir !== null) checkCaptureDir(cfg.captureDir);
  const log = pino({ level: cfg.logLevel, base: { app: 'polylab' } }, pino.destination(2));
  const abort = new AbortController();
  const stop = (sig: string) => {
    log.info({ signal: sig }, 'stopping');
    abort.abort();
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
  // Last line of defence for a night unattended: an edge bug that escapes its own error
  // handling is logged (once per burst) and the lab keeps running.
  let escaped = 0;
  const survive = (kind: string) => (err: unknown) => {
    escaped += 1;
    if (escaped === 1 || escaped % 100 === 0) log.error({ err, count: escaped }, `${kind} caught at the top level; continuing`);
  };
  process.on('unhandledRejection', survive('unhandled rejection'));
  process.on('uncaughtException', survive('uncaught exception'));

  const mode = cfg.mode;
  if (mode === 'paper-live') for (const w of venueMinimumWarnings(cfg)) log.warn({ setting: 'venues' }, w);
  // A sim run is a pure function of its seed, its id included; a live run is named by its start.
  const startMs = mode === 'sim' ? SIM_START_MS : Date.now();
  const baseRunId = mode === 'sim' ? `sim-${cfg.seed}` : `live-${new Date(startMs).toISOString().replace(/[-:]|\.\d+/g, '')}`;
  const down = new JournalDown(mode);
  const session = await openRunSession(cfg, { mode, baseRunId, startMs, fresh: flags.fresh === true, log, onJournalDown: down.report });
  try {
    return await runOpened({ cfg, flags, log, abort, session, startMs, laneSpecs, down });
  } catch (err) {
    // A failure after the journal opened: the run is closed as failed, with the reason, so no
    // run is left `running` and nothing keeps the process alive.
    await session.fail(down.lastInputMs ?? startMs, (err as Error).message);
    throw err;
  }
}

interface Opened {
  cfg: Config;
  flags: RunFlags;
  log: Logger;
  abort: AbortController;
  session: Session;
  startMs: number;
  laneSpecs: LaneSpec[];
  down: JournalDown;
}

async function runOpened(o: Opened): Promise<number> {
  const { cfg, log, session, startMs } = o;
  const mode = cfg.mode;
  const runId = session.runId;
  const seed = mode === 'sim' ? cfg.seed : null;
  const engine = buildEngine(cfg, mode, runId, seed, session.restore);
  const summary = new SummarySink({ simMarket: mode === 'sim' ? cfg.simMarket : null });
  const digest = new OutputDigest();
  const analytics = buildAnalytics(cfg);
  const lanes = o.laneSpecs.map((s) => new Lane(s.name, s.cfg, mode, runId, seed));
  // Loaded after the signal handlers are in place: the HTTP stack takes a moment to import.
  const { startApiFor } = await import('../api/start.ts');
  let api: Awaited<ReturnType<typeof startApiFor>>;
  try {
    api = await startApiFor(cfg, log, {
      trust: () => analytics.report(),
      // Only its warnings are used (feed health): without the series, a probe copies nothing.
      basis: () => analytics.basis.report(false),
      // Every input can change the figures (lanes step on the same inputs): computed once per input count.
      version: () => engine.counters.inputs,
      strategies: () => [
        compareRow('main', cfg.strategy, summary.summary(engine.counters.inputs), analytics.report()),
        ...lanes.map(laneRow),
      ],
    });
  } catch (err) {
    const reason = `cannot serve the API on ${cfg.host}:${cfg.port} (POLYLAB_HOST/POLYLAB_PORT): ${(err as Error).message}`;
    process.stderr.write(`polylab: ${reason}\n`);
    await session.fail(startMs, reason);
    return 2;
  }
  try {
    return await runServed(o, engine, summary, digest, analytics, lanes, api);
  } finally {
    await api.close();
    // Backstop: whatever handle is still open (a feed socket that will not die), the process
    // leaves a second after the summary; unref'd, so a clean exit is not delayed by it.
    setTimeout(() => {
      log.warn('forcing exit: handles still open a second after shutdown');
      process.exit(process.exitCode ?? 0);
    }, 1_000).unref();
  }
}
async function runServed(
  o: Opened,
  engine: Engine,
  summary: SummarySink,
  digest: OutputDigest,
  analytics: Analytics,
  lanes: Lane[],
  api: RunningApi,
): Promise<number> {
  const { cfg, flags, log, abort, session, startMs, down } = o;
  const mode = cfg.mode;
  const runId = session.runId;
  process.stderr.write(`API on ${api.url}\nDashboard on ${api.url}/\n`);
  const sink = (e: OutputEvent) => {
    session.sink(e);
    summary.sink(e);
    // Run start and stop have no input; every other output reaches analytics with its input
    // (the observe hook below, which also feeds the side-by-side lanes the same input).
    if (e.event_type === 'run_started' || e.event_type === 'run_stopped') analytics.observeOutputs([e]);
    digest.sink(e);
    api.sink(e);
    if (e.event_type === 'paper_fill')
      log.debug({ fill: e }, `fill ${e.side} ${e.qty} ${e.outcome} @ ${e.fill_px.toFixed(4)} fee ${e.fee}`);
    else if (e.event_type === 'settlement')
      log.info({ settlement: e }, `settled ${e.market_id}: ${e.winning_outcome} won, pnl ${e.realized_pnl.toFixed(2)}`);
  };
  const observe: Observe = (input, outs) => {
    down.lastInputMs = input.ts_unix_ms;
    analytics.observe(input, outs);
    for (const l of lanes) l.step(input);
  };
  down.attach((input) => {
    session.onInput?.(input);
    const outs = engine.step(input);
    for (const e of outs) sink(e);
    observe(input, outs);
  });
  const speed = resolveSpeed(cfg);
  log.info({ mode, seed: cfg.seed, speed, durationMs: cfg.durationMs, api: api.url }, `polylab run ${runId} started (${mode})`);
  const lastTs =
    mode === 'sim'
      ? await runSim(cfg, speed, engine, sink, observe, abort.signal, session)
      : await runPaperLive(cfg, engine, sink, observe, log, abort.signal, session, startMs);
  // run_stopped and the final pnl reach every client: the hub flushes them before it closes.
  for (const e of engine.stop(lastTs)) sink(e);
  const main = { ...summary.summary(engine.counters.inputs), digest: digest.hex() };
  const trust = analytics.report();
  for (const l of lanes) l.stop();
  const rows = lanes.length > 0 ? [compareRow('main', cfg.strategy, main, trust), ...lanes.map(laneRow)] : [];
  // The journal keeps the final trust figures for `polylab report` (--html included).
  const ended = await session.close(lastTs, { report: trust, range: analytics.rangeSeries, strategies: rows });
  let text = formatSummary(main, trust);
  if (rows.length > 0) text += `\n${formatCompare(rows)}`;
  process.stdout.write(`${text}\n`);
  if (flags.html !== undefined) {
    writeFileSync(
      flags.html,
      renderTrustHtml({
        title: `Polylab run ${runId}`,
        report: trust,
        equity: engine.portfolio.equityCurve,
        range: analytics.rangeSeries,
        summary: text,
      }),
    );
    process.stderr.write(`report written to ${flags.html}\n`);
  }
  const incomplete = ended.end?.status === 'incomplete';
  if (incomplete) process.stderr.write(`polylab: ${describeIncomplete(ended, session.journal.stats.events)}\n`);
  if (cfg.serve && !abort.signal.aborted) {
    process.stderr.write(`run finished; API and dashboard stay up on ${api.url}/ (--serve), Ctrl-C to stop\n`);
    await aborted(abort.signal);
  }
  return incomplete ? EXIT_INCOMPLETE : 0;
}

/** Exit code of a run whose journal holds less than the run did (README, "Exit codes"). */
export const EXIT_INCOMPLETE = 3;

function describeIncomplete(ended: SessionEnd, events: number): string {
  const end = ended.end!;
  const mark = ended.marked
    ? 'The journal marks it `incomplete`.'
    : 'Even its closing mark could not be written: the next start marks it `incomplete`.';
  return `run ${end.runId} is INCOMPLETE: ${end.notJournaled} of ${events} events were not journaled (${end.reason}); the summary above counts more than the journal holds, and \`polylab report\` shows only what was kept. ${mark} New risk stopped at the first failed write and the journal took no more events; free space (or fix the disk) and start again.`;
}

const aborted = (signal: AbortSignal) =>
  new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));

/** The side-by-side configurations of `--strategies FILE` (none without it), validated before the run opens. */
export function readLanes(file: string | undefined): LaneSpec[] {
  if (file === undefined) return [];
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError('--strategies', `cannot read --strategies ${file}: ${(err as Error).message}`);
  }
  return parseStrategiesFile(text, process.env, file);
}

/** The side-by-side lanes of `--strategies FILE` (none without it), for a run of `mode`. */
export function lanesFrom(file: string | undefined, mode: RunMode, runId: string, seed: number | null): Lane[] {
  return readLanes(file).map((s) => new Lane(s.name, s.cfg, mode, runId, seed));
}

export function registerRun(program: Command): void {
  program
    .command('run', { isDefault: true })
    .description('run the lab (paper-live by default; --mode sim for the seeded simulator)')
    .addOption(new Option('--mode <mode>', 'paper-live | sim (POLYLAB_MODE)'))
    .option('--seed <n>', 'simulator seed (POLYLAB_SEED)')
    .option('--sim-market <profile>', 'sim market profile: efficient | noisy (POLYLAB_SIM_MARKET)')
    .option('--duration <d>', 'stop after this much input time, e.g. 90s, 30m, 2h (POLYLAB_DURATION)')
    .option('--speed <s>', 'auto | max | 1x | 10x (POLYLAB_SPEED); auto = 10x for a sim without --duration, else max')
    .option('--host <host>', 'API host (POLYLAB_HOST)')
    .option('--port <port>', 'API port (POLYLAB_PORT)')
    .option('--serve', 'keep the API and dashboard up after the run ends, until Ctrl-C (POLYLAB_SERVE)')
    .option('--html <file>', 'at the end, also write the summary and the trust charts as one self-contained HTML page')
    .option(
      '--strategies <file>',
      'also run the strategy configurations of this JSON file side by side on the same inputs (e.g. polylab.config.json)',
    )
    .option('--capture <dir>', 'write every input and raw frame to gzip JSONL files in this directory (POLYLAB_CAPTURE)')
    .option('--fresh', 'start a fresh paper account even if the last run of this mode died')
    .action(async (flags: RunFlags) => {
      process.exitCode = await runCommand(flags);
    });
}
