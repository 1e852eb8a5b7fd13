/**
 * `polylab` — the composition root: the only place that reads `process.env`, opens ports
 * or files, installs signal handlers, and wires edges, engine and sinks together.
 */
import { Command, Option } from 'commander';
import { pino } from 'pino';
import { ConfigError, loadConfig, type Config, type ConfigKey } from './config.ts';
import { SimFeed } from './feeds/sim/sim.ts';
import { buildEngine, drive, formatSummary, SummarySink } from './run.ts';

type RunFlags = { mode?: string; seed?: string; duration?: string; speed?: string; port?: string; host?: string };

function configFrom(flags: RunFlags): Config {
  const f: Partial<Record<ConfigKey, unknown>> = { mode: flags.mode, seed: flags.seed, durationMs: flags.duration, speed: flags.speed, port: flags.port, host: flags.host };
  return loadConfig(process.env, f);
}

async function runCommand(flags: RunFlags): Promise<number> {
  const cfg = configFrom(flags);
  const log = pino({ level: cfg.logLevel, base: { app: 'polylab' } }, pino.destination(2));
  if (cfg.mode === 'paper-live') {
    process.stderr.write(
      'polylab: live feeds are not available in this build yet.\n' +
        '  Run the simulator instead:  npm start -- --mode sim   (or: polylab run --mode sim --seed 7 --duration 30m)\n',
    );
    return 2;
  }
  const abort = new AbortController();
  const stop = (sig: string) => {
    log.info({ signal: sig }, 'stopping');
    abort.abort();
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));

  const runId = `sim-${cfg.seed}-${Date.now().toString(36)}`;
  const engine = buildEngine(cfg, 'sim', runId, cfg.seed);
  const summary = new SummarySink();
  const sim = new SimFeed({ seed: cfg.seed });
  // Loaded after the signal handlers are in place: the HTTP stack takes a moment to import.
  const { startApiFor } = await import('./api/start.ts');
  let api: Awaited<ReturnType<typeof startApiFor>>;
  try {
    api = await startApiFor(cfg, log);
  } catch (err) {
    process.stderr.write(`polylab: cannot serve the API on ${cfg.host}:${cfg.port} (POLYLAB_HOST/POLYLAB_PORT): ${(err as Error).message}\n`);
    return 2;
  }
  process.stderr.write(`API on ${api.url}\n`);
  const sink = (e: Parameters<typeof summary.sink>[0]) => {
    summary.sink(e);
    api.sink(e);
    if (e.event_type === 'paper_fill') log.debug({ fill: e }, `fill ${e.side} ${e.qty} ${e.outcome} @ ${e.fill_px.toFixed(4)} fee ${e.fee}`);
    else if (e.event_type === 'settlement') log.info({ settlement: e }, `settled ${e.market_id}: ${e.winning_outcome} won, pnl ${e.realized_pnl.toFixed(2)}`);
  };
  const durationMs = cfg.durationMs ?? (cfg.speed === 'max' ? 30 * 60_000 : null);
  log.info({ mode: cfg.mode, seed: cfg.seed, speed: cfg.speed, durationMs }, `polylab run ${runId} started (sim, seed ${cfg.seed})`);
  const startTs = Math.floor(Date.UTC(2026, 0, 1));
  for (const e of engine.start(startTs)) sink(e);
  const lastTs = await drive(engine, sim.events(), sink, { durationMs, speed: cfg.speed, signal: abort.signal });
  for (const e of engine.stop(lastTs)) sink(e);
  await api.close();
  process.stdout.write(`${formatSummary(summary.summary(engine.counters.inputs))}\n`);
  return 0;
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
    .option('--duration <d>', 'stop after this much input time, e.g. 90s, 30m, 2h (POLYLAB_DURATION)')
    .option('--speed <s>', 'max | 1x | 10x (POLYLAB_SPEED)')
    .option('--host <host>', 'API host (POLYLAB_HOST)')
    .option('--port <port>', 'API port (POLYLAB_PORT)')
    .action(async (flags: RunFlags) => {
      process.exitCode = await runCommand(flags);
    });
  return program;
}

try {
  await buildProgram().parseAsync(process.argv);
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`polylab: ${err.message}\n`);
    process.exitCode = 2;
  } else {
    throw err;
  }
}
