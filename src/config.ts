/**
 * Configuration: defaults < environment (`POLYLAB_*`) < CLI flags, each value validated
 * with its own schema so an error names the exact setting and what it accepts.
 * The result is frozen; nothing else reads `process.env` (cli.ts passes it in).
 */
import { z } from 'zod';
import { STRATEGY_NAMES } from './strategy/strategies.ts';

export const MODES = ['paper-live', 'sim'] as const;
export const VENUES = ['coinbase', 'kraken', 'bitstamp', 'okx', 'bybit', 'binance'] as const;
export const FAMILIES = ['5m', '15m', '1h', '4h', '1d'] as const;
export const STRATEGIES = STRATEGY_NAMES;
/** Time in force of paper orders: fill-or-kill, immediate-or-cancel, good-till-cancel (with a TTL). */
export const TIFS = ['IOC', 'FOK', 'GTC'] as const;
export type Mode = (typeof MODES)[number];
export type VenueName = (typeof VENUES)[number];
export type Family = (typeof FAMILIES)[number];

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const num = (min: number, max: number) => z.coerce.number().finite().min(min).max(max);
const url = z.string().url();
const list = <T extends readonly [string, ...string[]]>(values: T) =>
  z.preprocess(
    (v) => (typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter(Boolean) : v),
    z.array(z.enum(values)).min(1),
  );
const duration = z.preprocess((v) => (typeof v === 'string' ? parseDurationMs(v) : v), z.number().int().positive().nullable());

/** One setting: its key, environment variable, schema and default. */
interface Setting {
  env: string;
  schema: z.ZodType;
  default: unknown;
  accepted?: string;
}

const VENUE_DEFAULTS: Record<VenueName, { url: string; symbol: string }> = {
  coinbase: { url: 'wss://ws-feed.exchange.coinbase.com', symbol: 'BTC-USD' },
  kraken: { url: 'wss://ws.kraken.com/v2', symbol: 'BTC/USD' },
  bitstamp: { url: 'wss://ws.bitstamp.net', symbol: 'btcusd' },
  okx: { url: 'wss://ws.okx.com:8443/ws/v5/public', symbol: 'BTC-USDT' },
  bybit: { url: 'wss://stream.bybit.com/v5/public/spot', symbol: 'BTCUSDT' },
  binance: { url: 'wss://stream.binance.com:9443/ws', symbol: 'btcusdt' },
};

function venueSettings(): Record<string, Setting> {
  const out: Record<string, Setting> = {};
  for (const v of VENUES) {
    const up = v.toUpperCase();
    out[`${v}WsUrl`] = { env: `POLYLAB_${up}_WS_URL`, schema: url, default: VENUE_DEFAULTS[v].url };
    out[`${v}Symbol`] = { env: `POLYLAB_${up}_SYMBOL`, schema: z.string().min(1), default: VENUE_DEFAULTS[v].symbol };
  }
  return out;
}

export const SETTINGS = {
  mode: { env: 'POLYLAB_MODE', schema: z.enum(MODES), default: 'paper-live', accepted: MODES.join(', ') },
  host: { env: 'POLYLAB_HOST', schema: z.string().min(1), default: '127.0.0.1' },
  port: { env: 'POLYLAB_PORT', schema: int(0, 65535), default: 8080, accepted: 'an integer 0-65535 (0 = any free port)' },
  wsMaxRateHz: { env: 'POLYLAB_WS_MAX_RATE_HZ', schema: num(0.1, 1000), default: 4, accepted: 'a number 0.1-1000 (flushes of btc_median/quote per second per client)' },
  wsMaxBufferBytes: { env: 'POLYLAB_WS_MAX_BUFFER_BYTES', schema: int(1024, 1 << 30), default: 1 << 20, accepted: 'an integer 1024-1073741824 (unsent bytes before a slow client is cut off)' },
  wsFlushMs: { env: 'POLYLAB_WS_FLUSH_MS', schema: int(1, 1000), default: 100, accepted: 'an integer 1-1000 (longest wait of a fill or reject before it is written to clients)' },
  dataDir: { env: 'POLYLAB_DATA_DIR', schema: z.string().min(1), default: './data' },
  journalCommitMs: { env: 'POLYLAB_JOURNAL_COMMIT_MS', schema: int(1, 10_000), default: 100, accepted: 'an integer 1-10000 (ms an event may wait before its batch is committed)' },
  captureDir: { env: 'POLYLAB_CAPTURE', schema: z.string().min(1).nullable(), default: null, accepted: 'a directory for capture files' },
  logLevel: { env: 'POLYLAB_LOG_LEVEL', schema: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']), default: 'info', accepted: 'trace, debug, info, warn, error, fatal, silent' },
  seed: { env: 'POLYLAB_SEED', schema: int(0, 2 ** 31 - 1), default: 7 },
  durationMs: { env: 'POLYLAB_DURATION', schema: duration, default: null, accepted: 'a duration like 90s, 30m, 2h' },
  speed: { env: 'POLYLAB_SPEED', schema: z.enum(['max', '1x', '10x']), default: 'max', accepted: 'max, 1x, 10x' },
  venues: { env: 'POLYLAB_VENUES', schema: list(VENUES), default: [...VENUES], accepted: `a comma list of ${VENUES.join(', ')}` },
  ...venueSettings(),
  gammaUrl: { env: 'POLYLAB_GAMMA_URL', schema: url, default: 'https://gamma-api.polymarket.com' },
  clobUrl: { env: 'POLYLAB_CLOB_URL', schema: url, default: 'https://clob.polymarket.com' },
  clobWsUrl: { env: 'POLYLAB_CLOB_WS_URL', schema: url, default: 'wss://ws-subscriptions-clob.polymarket.com/ws/market' },
  rtdsUrl: { env: 'POLYLAB_RTDS_URL', schema: url, default: 'wss://ws-live-data.polymarket.com' },
  markets: { env: 'POLYLAB_MARKETS', schema: list(FAMILIES), default: [...FAMILIES], accepted: `a comma list of ${FAMILIES.join(', ')}` },
  medianStalenessMs: { env: 'POLYLAB_MEDIAN_STALENESS_MS', schema: int(1, 3_600_000), default: 2000 },
  medianOutlierBps: { env: 'POLYLAB_MEDIAN_OUTLIER_BPS', schema: num(0.1, 10_000), default: 200 },
  medianMinVenues: { env: 'POLYLAB_MEDIAN_MIN_VENUES', schema: int(1, 20), default: 2 },
  strategy: { env: 'POLYLAB_STRATEGY', schema: z.enum(STRATEGIES), default: 'divergence', accepted: STRATEGIES.join(', ') },
  divergenceThreshold: { env: 'POLYLAB_DIVERGENCE_THRESHOLD', schema: num(0, 10), default: 0.05 },
  volHalfLifeMs: { env: 'POLYLAB_VOL_HALF_LIFE_MS', schema: int(1000, 86_400_000), default: 300_000 },
  volFloorAnnual: { env: 'POLYLAB_VOL_FLOOR', schema: num(0.01, 10), default: 0.2 },
  equityUsd: { env: 'POLYLAB_EQUITY', schema: num(1, 1e12), default: 10_000 },
  orderQtyShares: { env: 'POLYLAB_ORDER_QTY', schema: num(0.01, 1e9), default: 20 },
  riskMaxMarketFraction: { env: 'POLYLAB_RISK_MAX_MARKET_FRACTION', schema: num(0, 1), default: 0.02 },
  edgeMin: { env: 'POLYLAB_EDGE_MIN', schema: num(0, 1), default: 0.03, accepted: 'a number 0-1 (probability points, net of fees)' },
  edgeExit: { env: 'POLYLAB_EDGE_EXIT', schema: num(-1, 1), default: 0, accepted: 'a number -1..1 (probability points)' },
  riskMaxTotalFraction: { env: 'POLYLAB_RISK_MAX_TOTAL_FRACTION', schema: num(0, 1), default: 0.1, accepted: 'a number 0-1' },
  riskMaxOrderQtyShares: { env: 'POLYLAB_RISK_MAX_ORDER_QTY', schema: num(0.01, 1e9), default: 500, accepted: 'a number of shares 0.01-1e9' },
  riskMaxOrderNotionalUsd: { env: 'POLYLAB_RISK_MAX_ORDER_NOTIONAL', schema: num(0.01, 1e12), default: 250, accepted: 'a USD amount 0.01-1e12' },
  riskMinOrderQtyShares: { env: 'POLYLAB_RISK_MIN_ORDER_QTY', schema: num(0, 1e9), default: 5, accepted: 'a number of shares 0-1e9' },
  riskMaxOpenMarkets: { env: 'POLYLAB_RISK_MAX_OPEN_MARKETS', schema: int(1, 1000), default: 5, accepted: 'an integer 1-1000' },
  riskDailyLossLimitUsd: { env: 'POLYLAB_RISK_DAILY_LOSS_LIMIT', schema: num(0.01, 1e12), default: 500, accepted: 'a USD amount 0.01-1e12' },
  riskMaxMedianAgeMs: { env: 'POLYLAB_RISK_MAX_MEDIAN_AGE_MS', schema: int(0, 3_600_000), default: 5000, accepted: 'an integer 0-3600000 (ms)' },
  riskMinVenues: { env: 'POLYLAB_RISK_MIN_VENUES', schema: int(1, 20), default: 3, accepted: 'an integer 1-20' },
  riskMaxBookAgeMs: { env: 'POLYLAB_RISK_MAX_BOOK_AGE_MS', schema: int(0, 86_400_000), default: 10_000, accepted: 'an integer 0-86400000 (ms)' },
  riskMaxSpread: { env: 'POLYLAB_RISK_MAX_SPREAD', schema: num(0, 1), default: 0.05, accepted: 'a number 0-1 (price units)' },
  riskNoNewRiskBeforeEndMs: { env: 'POLYLAB_RISK_NO_NEW_RISK_BEFORE_END_MS', schema: int(0, 86_400_000), default: 30_000, accepted: 'an integer 0-86400000 (ms)' },
  riskCooldownMs: { env: 'POLYLAB_RISK_COOLDOWN_MS', schema: int(0, 86_400_000), default: 5000, accepted: 'an integer 0-86400000 (ms)' },
  latencyMs: { env: 'POLYLAB_LATENCY_MS', schema: int(0, 60_000), default: 250 },
  slippageBps: { env: 'POLYLAB_SLIPPAGE_BPS', schema: num(0, 1000), default: 0 },
  tif: { env: 'POLYLAB_TIF', schema: z.enum(TIFS), default: 'IOC', accepted: TIFS.join(', ') },
  gtcTtlMs: { env: 'POLYLAB_GTC_TTL_MS', schema: int(1, 86_400_000), default: 30_000 },
} satisfies Record<string, Setting>;

type Settings = typeof SETTINGS;
export type Config = Readonly<{ [K in keyof Settings]: z.infer<Settings[K]['schema']> }> & {
  readonly venueUrl: (v: VenueName) => string;
  readonly venueSymbol: (v: VenueName) => string;
};
export type ConfigKey = keyof Settings;

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(readonly setting: string, message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Parses `90s`, `30m`, `2h`, `1500ms` or a bare number of minutes into milliseconds. */
export function parseDurationMs(text: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(text);
  if (!m) return Number.NaN;
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[(m[2] ?? 'm') as 'ms'];
  return Math.round(Number(m[1]) * unit);
}

/**
 * Builds the frozen config. `env` is the process environment (or a test's), `flags` are
 * CLI overrides by key (undefined values are ignored).
 */
export function loadConfig(env: Record<string, string | undefined> = {}, flags: Partial<Record<ConfigKey, unknown>> = {}): Config {
  const out: Record<string, unknown> = {};
  for (const [key, setting] of Object.entries(SETTINGS) as [ConfigKey, Setting][]) {
    const fromFlag = flags[key];
    const fromEnv = env[setting.env];
    const raw = fromFlag !== undefined ? fromFlag : fromEnv !== undefined && fromEnv !== '' ? fromEnv : setting.default;
    const origin = fromFlag !== undefined ? `--${kebab(key)} (${setting.env})` : setting.env;
    const parsed = setting.schema.safeParse(raw);
    if (!parsed.success) {
      const accepted = setting.accepted ?? parsed.error.issues.map((i) => i.message).join('; ');
      throw new ConfigError(setting.env, `Invalid ${origin}=${JSON.stringify(raw)}: accepted values are ${accepted}`);
    }
    out[key] = parsed.data;
  }
  const cfg = out as Record<string, unknown>;
  cfg.venueUrl = (v: VenueName) => cfg[`${v}WsUrl`] as string;
  cfg.venueSymbol = (v: VenueName) => cfg[`${v}Symbol`] as string;
  return Object.freeze(cfg) as Config;
}

function kebab(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
