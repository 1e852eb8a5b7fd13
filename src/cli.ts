/**
 * `polylab` — the composition root: the only place that reads `process.env`, opens ports
 * or files, installs signal handlers, and wires edges, engine and sinks together.
 */
import { Command, Option } from 'commander';
import { pino, type Logger } from 'pino';
import { ConfigError, loadConfig, venueMinimumWarnings, type Config, type ConfigKey, type Speed } from './config.ts';
import { SIM_START_MS, SimFeed } from './feeds/sim/sim.ts';
import { buildAnalytics, buildEngine, drive, formatSummary, resolveSpeed, simOptionsFromConfig, SummarySink } from './run.ts';
import { readFileSync, writeFileSync } from 'node:fs';
import { renderTrustHtml } from './analytics/html.ts';
import { compareRow, formatCompare, Lane, laneRow, parseStrategiesFile } from './compare.ts';
import { discoverOnce } from './feeds/polymarket/discovery.ts';
import type { InputEvent, MarketInfo } from './core/events.ts';
import type { OutputEvent } from './core/outputs.ts';
import type { Engine } from './engine/engine.ts';
import { startLive } from './live.ts';
import { formatDoctorTable, runDoctor } from './feeds/doctor.ts';
import { checkPolymarket } from './feeds/polymarket/doctor.ts';
import { openRunSession, type Session } from './session.ts';
import { JournalError } from './journal/db.ts';
import { OutputDigest } from './digest.ts';
import { registerReplay } from './commands/replay.ts';
import { registerReport, registerRuns } from './commands/report.ts';
import { CaptureError } from './feeds/replay/reader.ts';

type RunFlags = {
  mode?: string; seed?: string; duration?: string; speed?: string; port?: string; host?: string; serve?: boolean; strategies?: string; html?: string;
  simMarket?: string; capture?: string; fresh?: boolean;
};

function configFrom(flags: RunFlags): Config {
  const f: Partial<Record<ConfigKey, unknown>> = {
    mode: flags.mode, seed: flags.seed, durationMs: flags.duration, speed: flags.speed, port: flags.port, host: flags.host, serve: flags.serve,
    simMarket: flags.simMarket, captureDir: flags.capture,
  };
  return loadConfig(process.env, f);
}

async function runCommand(flags: RunFlags): Promise<number> {
  const cfg = configFrom(flags);
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
  const session = await openRunSession(cfg, { mode, baseRunId, startMs, fresh: flags.fresh === true, log });
  const runId = session.runId;
  const engine = buildEngine(cfg, mode, runId, mode === 'sim' ? cfg.seed : null, session.restore);
  const summary = new SummarySink({ simMarket: mode === 'sim' ? cfg.simMarket : null });
  const digest = new OutputDigest();
  const analytics = buildAnalytics(cfg);
  const lanes = lanesFrom(flags.strategies, mode, runId, mode === 'sim' ? cfg.seed : null);
  // Loaded after the signal handlers are in place: the HTTP stack takes a moment to import.
  const { startApiFor } = await import('./api/start.ts');
  let api: Awaited<ReturnType<typeof startApiFor>>;
  try {
    api = await startApiFor(cfg, log, {
      trust: () => analytics.report(),
      basis: () => analytics.basis.report(),
      strategies: () => [compareRow('main', cfg.strategy, summary.summary(engine.counters.inputs), analytics.report()), ...lanes.map(laneRow)],
    });
  } catch (err) {
    process.stderr.write(`polylab: cannot serve the API on ${cfg.host}:${cfg.port} (POLYLAB_HOST/POLYLAB_PORT): ${(err as Error).message}\n`);
    await session.close(startMs);
    return 2;
  }
  process.stderr.write(`API on ${api.url}\nDashboard on ${api.url}/\n`);
  const sink = (e: OutputEvent) => {
    session.sink(e);
    summary.sink(e);
    // Run start and stop have no input; every other output reaches analytics with its input
    // (the observe hook below, which also feeds the side-by-side lanes the same input).
    if (e.event_type === 'run_started' || e.event_type === 'run_stopped') analytics.observeOutputs([e]);
    digest.sink(e);
    api.sink(e);
    if (e.event_type === 'paper_fill') log.debug({ fill: e }, `fill ${e.side} ${e.qty} ${e.outcome} @ ${e.fill_px.toFixed(4)} fee ${e.fee}`);
    else if (e.event_type === 'settlement') log.info({ settlement: e }, `settled ${e.market_id}: ${e.winning_outcome} won, pnl ${e.realized_pnl.toFixed(2)}`);
  };
  const observe: Observe = (input, outs) => {
    analytics.observe(input, outs);
    for (const l of lanes) l.step(input);
  };
  const speed = resolveSpeed(cfg);
  log.info({ mode, seed: cfg.seed, speed, durationMs: cfg.durationMs, api: api.url }, `polylab run ${runId} started (${mode})`);
  const lastTs = mode === 'sim' ? await runSim(cfg, speed, engine, sink, observe, abort.signal, session) : await runPaperLive(cfg, engine, sink, observe, log, abort.signal, session, startMs);
  // run_stopped and the final pnl reach every client: the hub flushes them before it closes.
  for (const e of engine.stop(lastTs)) sink(e);
  const main = { ...summary.summary(engine.counters.inputs), digest: digest.hex() };
  const trust = analytics.report();
  for (const l of lanes) l.stop();
  const rows = lanes.length > 0 ? [compareRow('main', cfg.strategy, main, trust), ...lanes.map(laneRow)] : [];
  // The journal keeps the final trust figures for `polylab report` (--html included).
  await session.close(lastTs, { report: trust, range: analytics.rangeSeries, strategies: rows });
  let text = formatSummary(main, trust);
  if (rows.length > 0) text += `\n${formatCompare(rows)}`;
  process.stdout.write(`${text}\n`);
  if (flags.html !== undefined) {
    writeFileSync(flags.html, renderTrustHtml({ title: `Polylab run ${runId}`, report: trust, equity: engine.portfolio.equityCurve, range: analytics.rangeSeries, summary: text }));
    process.stderr.write(`report written to ${flags.html}\n`);
  }
  if (cfg.serve && !abort.signal.aborted) {
    process.stderr.write(`run finished; API and dashboard stay up on ${api.url}/ (--serve), Ctrl-C to stop\n`);
    await aborted(abort.signal);
  }
  await api.close();
  // Backstop: whatever handle is still open (a feed socket that will not die), the process
  // leaves a second after the summary; unref'd, so a clean exit is not delayed by it.
  setTimeout(() => {
    log.warn('forcing exit: handles still open a second after shutdown');
    process.exit(process.exitCode ?? 0);
  }, 1_000).unref();
  return 0;
}

const aborted = (signal: AbortSignal) =>
  new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));

type Observe = (input: InputEvent, outs: readonly OutputEvent[]) => void;

/** The side-by-side lanes of `--strategies FILE` (none without it). */
function lanesFrom(file: string | undefined, mode: Config['mode'], runId: string, seed: number | null): Lane[] {
  if (file === undefined) return [];
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError('--strategies', `cannot read --strategies ${file}: ${(err as Error).message}`);
  }
  return parseStrategiesFile(text, process.env, file).map((s) => new Lane(s.name, s.cfg, mode, runId, seed));
}

async function runSim(cfg: Config, speed: Speed, engine: Engine, sink: (e: OutputEvent) => void, observe: Observe, signal: AbortSignal, session: Session): Promise<number> {
  const durationMs = cfg.durationMs ?? (speed === 'max' ? 30 * 60_000 : null);
  if (durationMs === null) process.stderr.write(`sim: seed ${cfg.seed} at ${speed} (a 15-minute market window every ${speed === '10x' ? '90 s' : '15 min'}) until Ctrl-C; paper trading only\n`);
  for (const e of engine.start(SIM_START_MS)) sink(e);
  const sim = new SimFeed(simOptionsFromConfig(cfg));
  // The sim's makers see our fills (observe): they react as a real book would.
  const withMakers: Observe = (input, outs) => {
    observe(input, outs);
    sim.observeRun(input, outs);
  };
  return drive(engine, sim.events(), sink, { durationMs, speed, signal, observe: withMakers, onInput: session.onInput, backpressure: session.backpressure });
}

/** Live public data until Ctrl-C / SIGTERM or `--duration` of wall time. */
async function runPaperLive(cfg: Config, engine: Engine, sink: (e: OutputEvent) => void, observe: Observe, log: Logger, signal: AbortSignal, session: Session, startMs: number): Promise<number> {
  for (const e of engine.start(startMs)) sink(e);
  process.stderr.write(`paper-live: ${cfg.venues.length} venues (${cfg.venues.join(', ')}) and Polymarket BTC up/down markets (${cfg.markets.join(', ')}); paper trading only, Ctrl-C to stop\n`);
  const live = startLive({
    cfg, engine, sink, log, observe, onInput: session.onInput, tap: session.rawTap,
    onOffline: (hint) => process.stderr.write(`polylab: ${hint}\n`),
  });
  await new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    signal.addEventListener('abort', () => resolve(), { once: true });
    if (cfg.durationMs !== null) setTimeout(resolve, cfg.durationMs).unref();
  });
  return live.stop();
}

/** One-shot discovery: the BTC up/down markets Polymarket lists now, one line each. */
async function marketsCommand(): Promise<number> {
  const cfg = loadConfig(process.env);
  const { markets, counters } = await discoverOnce(cfg.gammaUrl, cfg.markets, Date.now, { timeoutMs: 10_000 });
  if (markets.length === 0) {
    const why = counters.last_error ?? 'no BTC up/down market is listed right now';
    process.stderr.write(`polylab markets: none found (${why}). Gamma: ${cfg.gammaUrl}\n`);
    return counters.last_error ? 1 : 0;
  }
  process.stdout.write(`${formatMarkets(markets)}\n`);
  return 0;
}

/** Connects to every configured source once and prints a table; exit 1 if any failed. */
async function doctorCommand(flags: { timeout?: string }): Promise<number> {
  const cfg = loadConfig(process.env);
  const timeoutMs = flags.timeout ? Number(flags.timeout) : 8_000;
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) throw new ConfigError('--timeout', `Invalid --timeout=${JSON.stringify(flags.timeout)}: accepted values are a positive integer of milliseconds`);
  const [venues, poly] = await Promise.all([runDoctor(cfg.venueEndpoints(), { timeoutMs }), checkPolymarket(cfg, timeoutMs)]);
  const rows = [...venues, ...poly];
  process.stdout.write(`${formatDoctorTable(rows)}\n`);
  return rows.every((r) => r.ok) ? 0 : 1;
}

export function formatMarkets(markets: readonly MarketInfo[]): string {
  const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
  const rows = markets.map((m) => [
    m.family, m.slug, `${iso(m.window_start_ms)} → ${iso(m.window_end_ms)}`, String(m.tick_size), String(m.min_size),
    m.fee.rate === 0 ? 'free' : `${m.fee.rate}×(p(1-p))^${m.fee.exponent}`, `${m.resolution.rule}${m.resolution.lookback_s ? `(${m.resolution.lookback_s}s)` : ''}/${m.resolution.source}`,
    m.price_to_beat === null ? '-' : `${m.price_to_beat}${m.price_to_beat_estimated ? ' (est.)' : ''}`,
  ]);
  const head = ['family', 'slug', 'window (UTC)', 'tick', 'min', 'taker fee', 'resolution', 'price to beat'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(head), ...rows.map(line)].join('\n');
}

export function buildProgram(): Command {
  const program = new Command('polylab')
    .description('Live-data paper-trading lab for Polymarket BTC Up-or-Down markets. Paper only: never sends an order.')
    .showHelpAfterError();
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
    .option('--strategies <file>', 'also run the strategy configurations of this JSON file side by side on the same inputs (e.g. polylab.config.json)')
    .option('--capture <dir>', 'write every input and raw frame to gzip JSONL files in this directory (POLYLAB_CAPTURE)')
    .option('--fresh', 'start a fresh paper account even if the last run of this mode died')
    .action(async (flags: RunFlags) => {
      process.exitCode = await runCommand(flags);
    });
  program
    .command('markets')
    .description('one-shot discovery: list the BTC up/down markets Polymarket lists now (read-only GETs to Gamma)')
    .action(async () => {
      process.exitCode = await marketsCommand();
    });
  program
    .command('doctor')
    .description('connect to every configured source once (venues, Gamma, CLOB REST and socket, data socket) and print ok / error, reason, latency')
    .option('--timeout <ms>', 'per-source timeout in milliseconds', '8000')
    .action(async (flags: { timeout?: string }) => {
      process.exitCode = await doctorCommand(flags);
    });
  registerReplay(program);
  registerReport(program);
  registerRuns(program);
  return program;
}

try {
  await buildProgram().parseAsync(process.argv);
} catch (err) {
  if (err instanceof ConfigError || err instanceof JournalError || err instanceof CaptureError) {
    process.stderr.write(`polylab: ${err.message}\n`);
    process.exitCode = 2;
  } else {
    throw err;
  }
}
