/**
 * Strategies side by side (composition): `polylab run --strategies FILE` runs several
 * strategy configurations on the very inputs the main run sees, each with its own engine
 * (portfolio, risk state) and its own trust analytics, and compares them in one table.
 *
 * The file (e.g. polylab.config.json) names each configuration and the `POLYLAB_*`
 * settings it changes on top of the run's own:
 *   { "strategies": [ { "name": "fv-3c", "settings": { "POLYLAB_STRATEGY": "fair-value", "POLYLAB_EDGE_MIN": 0.03 } } ] }
 * Every value is validated exactly like the environment, so an error names the setting.
 * Settings about inputs (mode, venues, URLs) have no effect here: the inputs are shared.
 */
import { z } from 'zod';
import { ConfigError, loadConfig, SETTING_VARS, type Config } from './config.ts';
import type { InputEvent } from '../core/events.ts';
import type { OutputEvent, RunMode } from '../core/outputs.ts';
import type { Engine } from '../engine/engine.ts';
import type { Analytics } from '../analytics/analytics.ts';
import type { TrustReport } from '../analytics/trustReport.ts';
import { buildAnalytics, buildEngine } from './engineFactory.ts';
import { SummarySink, type RunSummary } from './runSummary.ts';
import type { StrategyRow } from '../core/trustWire.ts';
import { table, usd } from '../views/format.ts';

/** Beyond this many configurations one process would slow every one of them down. */
export const MAX_LANES = 8;

export const StrategiesFileSchema = z.object({
  strategies: z
    .array(
      z.object({
        name: z.string().regex(/^[A-Za-z0-9_.-]{1,40}$/, 'letters, digits, _ . - (1-40)'),
        settings: z.record(z.string().regex(/^POLYLAB_[A-Z0-9_]+$/, 'a POLYLAB_* setting'), z.union([z.string(), z.number(), z.boolean()])),
      }),
    )
    .min(1)
    .max(MAX_LANES),
});

export interface LaneSpec {
  name: string;
  cfg: Config;
}

/** Parses and validates a strategies file on top of the run's environment. */
export function parseStrategiesFile(text: string, env: Record<string, string | undefined>, origin = 'strategies file'): LaneSpec[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ConfigError('--strategies', `${origin}: not JSON (${(err as Error).message})`);
  }
  const parsed = StrategiesFileSchema.safeParse(json);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    const path = i.path.join('.') || '(root)';
    // A bad settings key is reported by zod as "Invalid key in record": say what a key must be.
    const why = path.includes('.settings.') ? `${i.message} (a key is a POLYLAB_* setting, see the README)` : i.message;
    throw new ConfigError('--strategies', `${origin}: ${path}: ${why}`);
  }
  const names = new Set<string>();
  return parsed.data.strategies.map((s) => {
    if (names.has(s.name)) throw new ConfigError('--strategies', `${origin}: the name "${s.name}" is used twice`);
    names.add(s.name);
    // A misspelt setting (POLYLAB_EDGE_MNI) would silently leave the default in place.
    const unknown = Object.keys(s.settings).filter((k) => !SETTING_VARS.has(k));
    if (unknown.length > 0)
      throw new ConfigError(
        unknown[0]!,
        `${origin}, strategy "${s.name}": unknown setting ${unknown.join(', ')} (the POLYLAB_* variables are listed in the README, "Configuration")`,
      );
    const over = Object.fromEntries(Object.entries(s.settings).map(([k, v]) => [k, String(v)]));
    try {
      return { name: s.name, cfg: loadConfig({ ...env, ...over }) };
    } catch (err) {
      if (err instanceof ConfigError) throw new ConfigError(err.setting, `${origin}, strategy "${s.name}": ${err.message}`);
      throw err;
    }
  });
}

/** One configuration running beside the main run. */
export class Lane {
  readonly engine: Engine;
  readonly analytics: Analytics;
  readonly summary = new SummarySink();
  private started = false;
  private lastMs = 0;

  constructor(
    readonly name: string,
    readonly cfg: Config,
    mode: RunMode,
    runId: string,
    seed: number | null,
  ) {
    this.engine = buildEngine(cfg, mode, `${runId}.${name}`, seed);
    this.analytics = buildAnalytics(cfg);
  }

  step(input: InputEvent): void {
    if (!this.started) {
      this.started = true;
      this.take(this.engine.start(input.ts_unix_ms));
    }
    this.lastMs = input.ts_unix_ms;
    const outs = this.engine.step(input);
    this.analytics.observe(input, outs);
    for (const e of outs) this.summary.sink(e);
  }

  stop(): void {
    if (this.started) this.take(this.engine.stop(this.lastMs));
  }

  private take(outs: OutputEvent[]): void {
    this.analytics.observeOutputs(outs);
    for (const e of outs) this.summary.sink(e);
  }
}

/** A line of the table; its fields are documented with GET /strategies (src/core/trustWire.ts). */
export type CompareRow = StrategyRow;

export function compareRow(name: string, strategy: string, s: RunSummary, t: TrustReport): CompareRow {
  let w = 0;
  let sum = 0;
  for (const m of t.markouts) {
    const h = m.horizons.find((x) => x.horizon_ms === 5_000);
    if (h?.mid === null || h === undefined) continue;
    w += h.samples;
    sum += h.mid * h.samples;
  }
  let n = 0;
  let brier = 0;
  for (const c of t.calibration) {
    if (c.brier === null) continue;
    n += c.count;
    brier += c.brier * c.count;
  }
  return {
    name,
    strategy,
    fills: s.fills,
    rejects: s.rejects,
    realized_pnl: s.realized_pnl ?? 0,
    equity: s.equity ?? 0,
    pnl_low: t.fill_models.low,
    pnl_high: t.fill_models.high,
    confirmed_share: t.tape.confirmed_share,
    markout_5s: w > 0 ? sum / w : null,
    brier: n > 0 ? brier / n : null,
  };
}

export function laneRow(l: Lane): CompareRow {
  return compareRow(l.name, l.cfg.strategy, l.summary.summary(l.engine.counters.inputs), l.analytics.report());
}

/** The side-by-side table of the run summary. */
export function formatCompare(rows: readonly CompareRow[]): string {
  const opt = (x: number | null, f: (v: number) => string) => (x === null ? 'n/a' : f(x));
  const head = ['name', 'strategy', 'fills', 'rejects', 'realized', 'equity', 'PnL range', 'confirmed', 'markout 5s', 'Brier'];
  const body = rows.map((r) => [
    r.name,
    r.strategy,
    String(r.fills),
    String(r.rejects),
    usd(r.realized_pnl),
    usd(r.equity),
    `${usd(r.pnl_low)}..${usd(r.pnl_high)}`,
    opt(r.confirmed_share, (v) => `${(100 * v).toFixed(1)}%`),
    opt(r.markout_5s, (v) => `${(100 * v).toFixed(2)}c`),
    opt(r.brier, (v) => v.toFixed(4)),
  ]);
  return ['  strategies side by side (same inputs)', ...table(head, body, { indent: '    ' })].join('\n');
}
