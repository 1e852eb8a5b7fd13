/**
 * `polylab` — the composition root: the only place that reads `process.env`, opens ports
 * or files, installs signal handlers, and wires edges, engine and sinks together.
 */
import { Command, Option } from 'commander';
import { pino } from 'pino';
import { ConfigError, loadConfig, type Config, type ConfigKey } from './config.ts';
import { SimFeed } from './feeds/sim/sim.ts';
import { buildEngine, drive, formatSummary, SummarySink } from './run.ts';
import { discoverOnce } from './feeds/polymarket/discovery.ts';
import type { MarketInfo } from './core/events.ts';

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
  const sink = (e: Parameters<typeof summary.sink>[0]) => {
    summary.sink(e);
    if (e.event_type === 'paper_fill') log.debug({ fill: e }, `fill ${e.side} ${e.qty} ${e.outcome} @ ${e.fill_px.toFixed(4)} fee ${e.fee}`);
    else if (e.event_type === 'settlement') log.info({ settlement: e }, `settled ${e.market_id}: ${e.winning_outcome} won, pnl ${e.realized_pnl.toFixed(2)}`);
  };
  const durationMs = cfg.durationMs ?? (cfg.speed === 'max' ? 30 * 60_000 : null);
  log.info({ mode: cfg.mode, seed: cfg.seed, speed: cfg.speed, durationMs }, `polylab run ${runId} started (sim, seed ${cfg.seed})`);
  const startTs = Math.floor(Date.UTC(2026, 0, 1));
  for (const e of engine.start(startTs)) sink(e);
  const lastTs = await drive(engine, sim.events(), sink, { durationMs, speed: cfg.speed, signal: abort.signal });
  for (const e of engine.stop(lastTs)) sink(e);
  process.stdout.write(`${formatSummary(summary.summary(engine.counters.inputs))}\n`);
  return 0;
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

export function formatMarkets(markets: readonly MarketInfo[]): string {
  const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
  const rows = markets.map((m) => [
    m.family, m.slug, `${iso(m.window_start_ms)} → ${iso(m.window_end_ms)}`, String(m.tick_size), String(m.min_size),
    m.fee.rate === 0 ? 'free' : `${m.fee.rate}×(p(1-p))^${m.fee.exponent}`, `${m.resolution.rule}/${m.resolution.source}`,
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
    .option('--duration <d>', 'stop after this much input time, e.g. 90s, 30m, 2h (POLYLAB_DURATION)')
    .option('--speed <s>', 'max | 1x | 10x (POLYLAB_SPEED)')
    .option('--host <host>', 'API host (POLYLAB_HOST)')
    .option('--port <port>', 'API port (POLYLAB_PORT)')
    .action(async (flags: RunFlags) => {
      process.exitCode = await runCommand(flags);
    });
  program
    .command('markets')
    .description('one-shot discovery: list the BTC up/down markets Polymarket lists now (read-only GETs to Gamma)')
    .action(async () => {
      process.exitCode = await marketsCommand();
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
