/**
 * The grid file of `polylab sweep --grid GRID.json`:
 *   { "base": { "POLYLAB_…": v }, "grid": { "POLYLAB_…": [v1, v2, …] },
 *     "strategies": [ { "name": …, "settings": { "POLYLAB_…": v } } ] }
 * The base applies to every configuration, the grid is the product of its lists, and the
 * optional strategies (the `--strategies` file format, src/app/lanes.ts) are crossed with
 * it. Precedence: environment < base < strategy < grid point. Every configuration is
 * validated with loadConfig before any job starts, so an error names the setting.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ConfigError, loadConfig, SETTINGS } from '../app/config.ts';
import { LOCAL_KEYS } from '../app/replaySource.ts';
import { StrategiesFileSchema } from '../app/lanes.ts';

/** Beyond this many configurations a sweep is surely a typo in the grid (and a day of CPU). */
export const MAX_CONFIGS = 10_000;

const Value = z.union([z.string(), z.number(), z.boolean()]);
const Key = z.string().regex(/^POLYLAB_[A-Z0-9_]+$/, 'a POLYLAB_* setting');

const GridFileSchema = z
  .object({
    base: z.record(Key, Value).default({}),
    grid: z.record(Key, z.array(Value).min(1)).default({}),
    strategies: StrategiesFileSchema.shape.strategies.optional(),
  })
  .strict();

export type SettingValue = z.infer<typeof Value>;

export interface SweepConfig {
  /** e.g. `fv-3c POLYLAB_EDGE_MIN=0.05` (the strategy name, then the grid point). */
  name: string;
  /** The strategy's name, or '' without strategies. */
  strategy: string;
  /** Every `POLYLAB_*` setting this configuration changes (environment, base, strategy, grid point). */
  settings: Record<string, string>;
  /** The values as written in the grid file, one per setting it names (the results' setting columns). */
  values: Record<string, SettingValue | null>;
  /** SHA-256 over the sorted settings. */
  hash: string;
}

export interface SweepGrid {
  configs: SweepConfig[];
  /** Every setting the grid file names, sorted: a column each in the results. */
  columns: string[];
}

/** Environment variable → config key, for the settings a sweep may set. */
const BY_ENV = new Map(Object.entries(SETTINGS).map(([key, s]) => [s.env, key]));

function checkKey(env: string, where: string): void {
  const key = BY_ENV.get(env);
  if (key === undefined) throw new ConfigError(env, `${where}: unknown setting ${env} (see the README's Configuration)`);
  if (LOCAL_KEYS.has(key))
    throw new ConfigError(env, `${where}: ${env} describes the machine or the invocation, not a replay; it cannot vary in a sweep`);
}

/** The `POLYLAB_*` variables of `env` that a replay takes (machine-local ones left out). */
export function replayEnv(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    const key = BY_ENV.get(k);
    if (key !== undefined && !LOCAL_KEYS.has(key) && v !== undefined && v !== '') out[k] = v;
  }
  return out;
}

export function hashSettings(settings: Record<string, string>): string {
  const sorted = Object.keys(settings)
    .sort()
    .map((k) => [k, settings[k]]);
  return createHash('sha256').update(JSON.stringify(sorted)).digest('hex');
}

/** Every combination of the grid's lists, in the file's key order (the last key varies fastest). */
function product(grid: Record<string, SettingValue[]>): Record<string, SettingValue>[] {
  let points: Record<string, SettingValue>[] = [{}];
  for (const [key, values] of Object.entries(grid)) points = points.flatMap((p) => values.map((v) => ({ ...p, [key]: v })));
  return points;
}

/** Parses and validates a grid file on top of the sweep's environment. */
export function parseGrid(text: string, env: Record<string, string | undefined>, origin = 'grid file'): SweepGrid {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ConfigError('--grid', `${origin}: not JSON (${(err as Error).message})`);
  }
  const parsed = GridFileSchema.safeParse(json);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new ConfigError('--grid', `${origin}: ${i.path.join('.') || '(root)'}: ${i.message}`);
  }
  const { base, grid, strategies } = parsed.data;
  for (const k of Object.keys(base)) checkKey(k, `${origin}, base`);
  for (const k of Object.keys(grid)) checkKey(k, `${origin}, grid`);
  for (const s of strategies ?? []) for (const k of Object.keys(s.settings)) checkKey(k, `${origin}, strategy "${s.name}"`);
  const names = new Set<string>();
  for (const s of strategies ?? []) {
    if (names.has(s.name)) throw new ConfigError('--grid', `${origin}: the strategy name "${s.name}" is used twice`);
    names.add(s.name);
  }
  const points = product(grid);
  const lanes = strategies ?? [{ name: '', settings: {} }];
  if (points.length * lanes.length > MAX_CONFIGS)
    throw new ConfigError('--grid', `${origin}: ${points.length * lanes.length} configurations, more than ${MAX_CONFIGS}`);
  const columns = [...new Set([...Object.keys(base), ...Object.keys(grid), ...lanes.flatMap((l) => Object.keys(l.settings))])].sort();
  const fromEnv = replayEnv(env);
  const configs: SweepConfig[] = [];
  for (const lane of lanes) {
    for (const point of points) {
      const written: Record<string, SettingValue> = { ...base, ...lane.settings, ...point };
      const settings = { ...fromEnv, ...Object.fromEntries(Object.entries(written).map(([k, v]) => [k, String(v)])) };
      const pointName = Object.entries(point)
        .map(([k, v]) => `${k}=${String(v)}`)
        .join(' ');
      const name = [lane.name, pointName].filter(Boolean).join(' ') || 'base';
      try {
        loadConfig(settings);
      } catch (err) {
        if (err instanceof ConfigError) throw new ConfigError(err.setting, `${origin}, configuration "${name}": ${err.message}`);
        throw err;
      }
      const values = Object.fromEntries(columns.map((c) => [c, written[c] ?? null]));
      configs.push({ name, strategy: lane.name, settings, values, hash: hashSettings(settings) });
    }
  }
  return { configs, columns };
}
