/**
 * Configuration: defaults < environment (`POLYLAB_*`) < CLI flags, each value validated
 * with its own schema so an error names the exact setting and what it accepts.
 * The result is frozen; nothing else reads `process.env` (cli.ts passes it in).
 */
import { z } from 'zod';
import { ConfigError } from './configError.ts';
import { STRATEGY_NAMES } from '../strategy/strategies.ts';
import { RUN_COMMAND_MODES, type Tif } from '../core/outputs.ts';
import { ADAPTERS, REGION_PROFILES, REGIONS, VENUE_NAMES, type Region, type VenueEndpoint, type VenueName } from '../venues/index.ts';
import { SIM_MARKETS } from '../sim/profile.ts';
import { CRYPTO_TAKER_DELAY_MS } from '../core/fees.ts';
import { DEFAULT_QUEUE_POWER, QUEUE_MODELS } from '../paper/queue.ts';
import type { PolyBoltCredentials } from '../polymarket/wire/polyboltAuth.ts';
import { readPolyBoltCredentials } from './polyboltCredentials.ts';

export const MODES = RUN_COMMAND_MODES;
export const VENUES = VENUE_NAMES;
export const FAMILIES = ['5m', '15m', '1h', '4h', '1d'] as const;
export const STRATEGIES = STRATEGY_NAMES;
export { SIM_MARKETS };
/** Time in force of paper orders: fill-or-kill, immediate-or-cancel, good-till-cancel (with a TTL). */
export const TIFS = ['IOC', 'FOK', 'GTC'] as const satisfies readonly Tif[];
/** `auto`: 10x for a sim without `--duration` (watchable, until Ctrl-C), max otherwise. */
export const SPEEDS = ['auto', 'max', '1x', '10x'] as const;
export type Mode = (typeof MODES)[number];
export type Speed = Exclude<(typeof SPEEDS)[number], 'auto'>;
export type { VenueName };

/**
 * Numbers are written in decimal: `Number()` alone would also take `0x1F90`, `0b1`, `1_0`
 * (no), ' ' (as 0) — a value nobody means in a config file is refused, not reinterpreted.
 */
const DECIMAL_INT = /^\s*[-+]?\d+\s*$/;
const DECIMAL_NUM = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/;
const decimal = (re: RegExp) => (v: unknown) => (typeof v === 'string' ? (re.test(v) ? Number(v) : Number.NaN) : v);
const int = (min: number, max: number) => z.preprocess(decimal(DECIMAL_INT), z.number().int().min(min).max(max));
const num = (min: number, max: number) => z.preprocess(decimal(DECIMAL_NUM), z.number().finite().min(min).max(max));
/** A URL of one of `schemes` (`new URL` alone takes `javascript:`, `file:`, `data:` …). */
const urlOf = (...schemes: string[]) =>
  z
    .string()
    .url()
    .refine((u) => URL.canParse(u) && schemes.includes(new URL(u).protocol.replace(/:$/, '')), `a ${schemes.join(' or ')} URL`);
const wsUrl = urlOf('ws', 'wss');
const httpUrl = urlOf('http', 'https');
const list = <T extends readonly [string, ...string[]]>(values: T) =>
  z.preprocess(
    (v) =>
      typeof v === 'string'
        ? v
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : v,
    z.array(z.enum(values)).min(1),
  );
const flag = z.preprocess(
  (v) =>
    typeof v === 'string'
      ? (({ true: true, '1': true, false: false, '0': false } as Record<string, boolean>)[v.trim().toLowerCase()] ?? v)
      : v,
  z.boolean(),
);
/** Browser origins: `scheme://host[:port]`, exactly as a browser sends them in `Origin` (no path, no trailing slash). */
const origins = z.preprocess(
  (v) =>
    typeof v === 'string'
      ? v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : v,
  z.array(
    z.string().refine((o) => {
      try {
        return new URL(o).origin === o;
      } catch {
        return false;
      }
    }),
  ),
);
/** A sim realism setting: null (the default) keeps the market profile's value. */
const profileNum = (min: number, max: number) => num(min, max).nullable();
const profileInt = (min: number, max: number, step = 1) => z.coerce.number().int().min(min).max(max).multipleOf(step).nullable();
/**
 * The longest `--duration` / POLYLAB_DURATION: a year of input time. Longer than any timer
 * Node can arm at once (2^31 - 1 ms, 24.8 days): paper-live waits for it in steps.
 */
export const MAX_DURATION_MS = 365 * 86_400_000;
const duration = z.preprocess(
  (v) => (typeof v === 'string' ? parseDurationMs(v) : v),
  z.number().int().positive().max(MAX_DURATION_MS).nullable(),
);

/** One setting: its key, environment variable, schema and default. */
interface Setting {
  env: string;
  schema: z.ZodType;
  default: unknown;
  /** The default under a `POLYLAB_REGION` profile, when it differs from `default`. */
  regionDefault?: (region: Region) => unknown;
  accepted?: string;
  /** The CLI flag that sets it, when its name is not the key in kebab case. */
  flag?: string;
}

function venueSettings(): Record<string, Setting> {
  const out: Record<string, Setting> = {};
  for (const v of VENUES) {
    const up = v.toUpperCase();
    out[`${v}WsUrl`] = {
      env: `POLYLAB_${up}_WS_URL`,
      schema: wsUrl,
      accepted: 'a ws:// or wss:// URL',
      default: ADAPTERS[v].defaultUrl,
      regionDefault: (r) => REGION_PROFILES[r].endpoints[v]?.url ?? ADAPTERS[v].defaultUrl,
    };
    out[`${v}Symbol`] = {
      env: `POLYLAB_${up}_SYMBOL`,
      schema: z.string().min(1),
      default: ADAPTERS[v].defaultSymbol,
      regionDefault: (r) => REGION_PROFILES[r].endpoints[v]?.symbol ?? ADAPTERS[v].defaultSymbol,
    };
  }
  return out;
}

/** The sim profile's realism settings (README "Configuration", docs/methodology.md §7); null = the profile's value. */
function simRealismSettings() {
  const profile = "or empty for the market profile's value";
  return {
    simVolAnnual: {
      env: 'POLYLAB_SIM_VOL',
      schema: profileNum(0.01, 5),
      default: null,
      accepted: `an annualized volatility 0.01-5, ${profile}`,
    },
    simSpread: {
      env: 'POLYLAB_SIM_SPREAD',
      schema: profileNum(0, 0.5),
      default: null,
      accepted: `a spread 0-0.5 (price units), ${profile}`,
    },
    simDepthShares: {
      env: 'POLYLAB_SIM_DEPTH',
      schema: profileNum(1, 1e7),
      default: null,
      accepted: `shares at the touch 1-1e7, ${profile}`,
    },
    simDepthDecay: {
      env: 'POLYLAB_SIM_DEPTH_DECAY',
      schema: profileNum(0.05, 1),
      default: null,
      accepted: `a factor 0.05-1 per level away from the touch, ${profile}`,
    },
    simBookMs: {
      env: 'POLYLAB_SIM_BOOK_MS',
      schema: profileInt(100, 60_000, 100),
      default: null,
      accepted: `a multiple of 100 ms, 100-60000, ${profile}`,
    },
    simMakerReactionMs: {
      env: 'POLYLAB_SIM_MAKER_REACTION_MS',
      schema: profileInt(0, 600_000),
      default: null,
      accepted: `an integer 0-600000 (ms), ${profile}`,
    },
    simImpactPerShare: {
      env: 'POLYLAB_SIM_IMPACT',
      schema: profileNum(0, 0.01),
      default: null,
      accepted: `probability points per share 0-0.01, ${profile}`,
    },
    simOracleBasisBps: {
      env: 'POLYLAB_SIM_ORACLE_BASIS_BPS',
      schema: profileNum(0, 100),
      default: null,
      accepted: `bps 0-100, ${profile}`,
    },
    simOracleLagMs: {
      env: 'POLYLAB_SIM_ORACLE_LAG_MS',
      schema: profileInt(0, 60_000, 100),
      default: null,
      accepted: `a multiple of 100 ms, 0-60000, ${profile}`,
    },
    simOutageMs: {
      env: 'POLYLAB_SIM_OUTAGE_MS',
      schema: profileInt(0, 60_000),
      default: null,
      accepted: `an integer 0-60000 (ms of every minute), ${profile}`,
    },
    simOutlierRate: { env: 'POLYLAB_SIM_OUTLIER_RATE', schema: profileNum(0, 1), default: null, accepted: `a share 0-1, ${profile}` },
    simNoiseTakersPerMin: {
      env: 'POLYLAB_SIM_NOISE_TAKERS_PER_MIN',
      schema: profileNum(0, 6_000),
      default: null,
      accepted: `a rate 0-6000 (noise taker trades per minute per market), ${profile}`,
    },
    simNoiseTakerShares: {
      env: 'POLYLAB_SIM_NOISE_TAKER_SHARES',
      schema: profileNum(1, 1e6),
      default: null,
      accepted: `a number of shares 1-1e6 (mean size of a noise taker trade), ${profile}`,
    },
    simInformedTakersPerMin: {
      env: 'POLYLAB_SIM_INFORMED_TAKERS_PER_MIN',
      schema: profileNum(0, 6_000),
      default: null,
      accepted: `a rate 0-6000 (informed taker looks per minute per market), ${profile}`,
    },
    simInformedEdge: {
      env: 'POLYLAB_SIM_INFORMED_EDGE',
      schema: profileNum(0, 1),
      default: null,
      accepted: `a number 0-1 (probability points the book must be off the true probability), ${profile}`,
    },
    simInformedTakerShares: {
      env: 'POLYLAB_SIM_INFORMED_TAKER_SHARES',
      schema: profileNum(1, 1e6),
      default: null,
      accepted: `a number of shares 1-1e6 (most an informed taker takes per trade), ${profile}`,
    },
  } satisfies Record<string, Setting>;
}

export const SETTINGS = {
  mode: { env: 'POLYLAB_MODE', schema: z.enum(MODES), default: 'paper-live', accepted: MODES.join(', ') },
  host: { env: 'POLYLAB_HOST', schema: z.string().min(1), default: '127.0.0.1' },
  port: { env: 'POLYLAB_PORT', schema: int(0, 65535), default: 8080, accepted: 'an integer 0-65535 (0 = any free port)' },
  wsMaxRateHz: {
    env: 'POLYLAB_WS_MAX_RATE_HZ',
    schema: num(0.1, 1000),
    default: 4,
    accepted: 'a number 0.1-1000 (flushes of btc_median/quote per second per client)',
  },
  wsMaxBufferBytes: {
    env: 'POLYLAB_WS_MAX_BUFFER_BYTES',
    schema: int(1024, 1 << 30),
    default: 1 << 20,
    accepted: 'an integer 1024-1073741824 (unsent bytes before a slow client is cut off)',
  },
  wsMaxClients: {
    env: 'POLYLAB_WS_MAX_CLIENTS',
    schema: int(1, 10_000),
    default: 32,
    accepted: 'an integer 1-10000 (WebSocket clients at once; more are closed with 1013)',
  },
  wsClientMsgsPerS: {
    env: 'POLYLAB_WS_CLIENT_MSGS_PER_S',
    schema: int(1, 1000),
    default: 10,
    accepted: 'an integer 1-1000 (messages a client may send per second before it is closed)',
  },
  wsAllowedOrigins: {
    env: 'POLYLAB_WS_ALLOWED_ORIGINS',
    schema: origins,
    default: [],
    accepted: 'a comma list of origins like https://lab.example.com:8443 (scheme://host[:port])',
  },
  wsFlushMs: {
    env: 'POLYLAB_WS_FLUSH_MS',
    schema: int(1, 1000),
    default: 100,
    accepted: 'an integer 1-1000 (longest wait of a fill or reject before it is written to clients)',
  },
  dataDir: { env: 'POLYLAB_DATA_DIR', schema: z.string().min(1), default: './data' },
  journalCommitMs: {
    env: 'POLYLAB_JOURNAL_COMMIT_MS',
    schema: int(1, 10_000),
    default: 100,
    accepted: 'an integer 1-10000 (ms an event may wait before its batch is committed)',
  },
  captureDir: {
    env: 'POLYLAB_CAPTURE',
    flag: '--capture',
    schema: z.string().min(1).nullable(),
    default: null,
    accepted: 'a directory for capture files',
  },
  logLevel: {
    env: 'POLYLAB_LOG_LEVEL',
    schema: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']),
    default: 'info',
    accepted: 'trace, debug, info, warn, error, fatal, silent',
  },
  seed: { env: 'POLYLAB_SEED', schema: int(0, 2 ** 31 - 1), default: 7 },
  durationMs: {
    env: 'POLYLAB_DURATION',
    flag: '--duration',
    schema: duration,
    default: null,
    accepted: 'a duration like 90s, 30m, 2h, 7d, at most 365d',
  },
  speed: { env: 'POLYLAB_SPEED', schema: z.enum(SPEEDS), default: 'auto', accepted: SPEEDS.join(', ') },
  serve: { env: 'POLYLAB_SERVE', schema: flag, default: false, accepted: 'true or false (1/0)' },
  simMarket: { env: 'POLYLAB_SIM_MARKET', schema: z.enum(SIM_MARKETS), default: 'efficient', accepted: SIM_MARKETS.join(', ') },
  ...simRealismSettings(),
  region: {
    env: 'POLYLAB_REGION',
    schema: z.enum(REGIONS),
    default: 'global',
    accepted: `${REGIONS.join(', ')} (us: Binance.US instead of Binance, without Bybit and OKX)`,
  },
  venues: {
    env: 'POLYLAB_VENUES',
    schema: list(VENUES),
    default: [...VENUES],
    regionDefault: (r) => [...REGION_PROFILES[r].venues],
    accepted: `a comma list of ${VENUES.join(', ')}`,
  },
  venueTradeStaleMs: {
    env: 'POLYLAB_VENUE_TRADE_STALE_MS',
    schema: int(1_000, 86_400_000),
    default: 120_000,
    accepted: 'an integer 1000-86400000 (ms without a trade before a connected venue is stale and reconnected)',
  },
  marketSocketStaleMs: {
    env: 'POLYLAB_MARKET_SOCKET_STALE_MS',
    schema: int(1_000, 86_400_000),
    default: 60_000,
    accepted:
      'an integer 1000-86400000 (ms a market-socket connection may carry only PONGs, no book change, before it is stale and reconnected)',
  },
  blockedRetryMs: {
    env: 'POLYLAB_BLOCKED_RETRY_MS',
    schema: int(1_000, 86_400_000),
    default: 300_000,
    accepted: 'an integer 1000-86400000 (ms between retries of a venue that refuses us with HTTP 451/403)',
  },
  ownReadingDelayMs: {
    env: 'POLYLAB_OWN_READING_DELAY_MS',
    schema: int(0, 3_600_000),
    default: 5_000,
    accepted:
      "an integer 0-3600000 (ms after a window's end the lab waits for Polymarket's official result before settling by its own reading)",
  },
  ...venueSettings(),
  gammaUrl: {
    env: 'POLYLAB_GAMMA_URL',
    schema: httpUrl,
    default: 'https://gamma-api.polymarket.com',
    accepted: 'an http:// or https:// URL',
  },
  clobUrl: { env: 'POLYLAB_CLOB_URL', schema: httpUrl, default: 'https://clob.polymarket.com', accepted: 'an http:// or https:// URL' },
  clobWsUrl: {
    env: 'POLYLAB_CLOB_WS_URL',
    schema: wsUrl,
    default: 'wss://ws-subscriptions-clob.polymarket.com/ws/market',
    accepted: 'a ws:// or wss:// URL',
  },
  rtdsUrl: { env: 'POLYLAB_RTDS_URL', schema: wsUrl, default: 'wss://ws-live-data.polymarket.com', accepted: 'a ws:// or wss:// URL' },
  // PolyBolt replaces the legacy data socket for reference prices; used only when its
  // credentials are configured (polyboltCredentials.ts).
  polyboltUrl: {
    env: 'POLYLAB_POLYBOLT_URL',
    schema: wsUrl,
    default: 'wss://ws-live-v2.polymarket.com/ws',
    accepted: 'a ws:// or wss:// URL',
  },
  markets: { env: 'POLYLAB_MARKETS', schema: list(FAMILIES), default: [...FAMILIES], accepted: `a comma list of ${FAMILIES.join(', ')}` },
  medianStalenessMs: { env: 'POLYLAB_MEDIAN_STALENESS_MS', schema: int(1, 3_600_000), default: 2000 },
  medianOutlierBps: { env: 'POLYLAB_MEDIAN_OUTLIER_BPS', schema: num(0.1, 10_000), default: 200 },
  medianMinVenues: { env: 'POLYLAB_MEDIAN_MIN_VENUES', schema: int(1, 20), default: 2 },
  strategy: { env: 'POLYLAB_STRATEGY', schema: z.enum(STRATEGIES), default: 'divergence', accepted: STRATEGIES.join(', ') },
  divergenceThreshold: { env: 'POLYLAB_DIVERGENCE_THRESHOLD', schema: num(0, 10), default: 0.05 },
  volHalfLifeMs: { env: 'POLYLAB_VOL_HALF_LIFE_MS', schema: int(1000, 86_400_000), default: 600_000 },
  volFloorAnnual: { env: 'POLYLAB_VOL_FLOOR', schema: num(0.01, 10), default: 0.2 },
  equityUsd: { env: 'POLYLAB_EQUITY', schema: num(1, 1e12), default: 10_000 },
  orderQtyShares: { env: 'POLYLAB_ORDER_QTY', schema: num(0.01, 1e9), default: 20 },
  riskMaxMarketFraction: { env: 'POLYLAB_RISK_MAX_MARKET_FRACTION', schema: num(0, 1), default: 0.02 },
  edgeMin: { env: 'POLYLAB_EDGE_MIN', schema: num(0, 1), default: 0.03, accepted: 'a number 0-1 (probability points, net of fees)' },
  edgeExit: { env: 'POLYLAB_EDGE_EXIT', schema: num(-1, 1), default: 0, accepted: 'a number -1..1 (probability points)' },
  makerHalfSpread: {
    env: 'POLYLAB_MAKER_HALF_SPREAD',
    schema: num(0, 0.49),
    default: 0.01,
    accepted: 'a number 0-0.49 (probability points below fair value)',
  },
  makerQtyShares: { env: 'POLYLAB_MAKER_QTY', schema: num(0.01, 1e6), default: 10, accepted: 'a number of shares 0.01-1e6' },
  makerSkewPerShare: {
    env: 'POLYLAB_MAKER_SKEW_PER_SHARE',
    schema: num(0, 0.1),
    default: 0.0005,
    accepted: 'a number 0-0.1 (probability points per share of net inventory)',
  },
  makerMaxInventoryShares: {
    env: 'POLYLAB_MAKER_MAX_INVENTORY',
    schema: num(0.01, 1e6),
    default: 50,
    accepted: 'a number of shares 0.01-1e6 (net, per market)',
  },
  makerPullBeforeEndMs: {
    env: 'POLYLAB_MAKER_PULL_BEFORE_END_MS',
    schema: int(0, 86_400_000),
    default: 60_000,
    accepted: 'an integer 0-86400000 (ms)',
  },
  makerMaxReferenceAgeMs: {
    env: 'POLYLAB_MAKER_MAX_REFERENCE_AGE_MS',
    schema: int(1, 3_600_000),
    default: 3_000,
    accepted: 'an integer 1-3600000 (ms)',
  },
  riskMaxTotalFraction: { env: 'POLYLAB_RISK_MAX_TOTAL_FRACTION', schema: num(0, 1), default: 0.1, accepted: 'a number 0-1' },
  riskMaxOrderQtyShares: {
    env: 'POLYLAB_RISK_MAX_ORDER_QTY',
    schema: num(0.01, 1e9),
    default: 500,
    accepted: 'a number of shares 0.01-1e9',
  },
  riskMaxOrderNotionalUsd: {
    env: 'POLYLAB_RISK_MAX_ORDER_NOTIONAL',
    schema: num(0.01, 1e12),
    default: 250,
    accepted: 'a USD amount 0.01-1e12',
  },
  riskMinOrderQtyShares: { env: 'POLYLAB_RISK_MIN_ORDER_QTY', schema: num(0, 1e9), default: 5, accepted: 'a number of shares 0-1e9' },
  riskMaxOpenMarkets: { env: 'POLYLAB_RISK_MAX_OPEN_MARKETS', schema: int(1, 1000), default: 5, accepted: 'an integer 1-1000' },
  riskDailyLossLimitUsd: {
    env: 'POLYLAB_RISK_DAILY_LOSS_LIMIT',
    schema: num(0.01, 1e12),
    default: 500,
    accepted: 'a USD amount 0.01-1e12',
  },
  riskMaxMedianAgeMs: {
    env: 'POLYLAB_RISK_MAX_MEDIAN_AGE_MS',
    schema: int(0, 3_600_000),
    default: 5000,
    accepted: 'an integer 0-3600000 (ms)',
  },
  riskMinVenues: { env: 'POLYLAB_RISK_MIN_VENUES', schema: int(1, 20), default: 3, accepted: 'an integer 1-20' },
  riskMaxBookAgeMs: {
    env: 'POLYLAB_RISK_MAX_BOOK_AGE_MS',
    schema: int(0, 86_400_000),
    default: 10_000,
    accepted: 'an integer 0-86400000 (ms)',
  },
  riskMaxSpread: { env: 'POLYLAB_RISK_MAX_SPREAD', schema: num(0, 1), default: 0.05, accepted: 'a number 0-1 (price units)' },
  riskNoNewRiskBeforeEndMs: {
    env: 'POLYLAB_RISK_NO_NEW_RISK_BEFORE_END_MS',
    schema: int(0, 86_400_000),
    default: 30_000,
    accepted: 'an integer 0-86400000 (ms)',
  },
  riskCooldownMs: { env: 'POLYLAB_RISK_COOLDOWN_MS', schema: int(0, 86_400_000), default: 5000, accepted: 'an integer 0-86400000 (ms)' },
  latencyMs: { env: 'POLYLAB_LATENCY_MS', schema: int(0, 60_000), default: 250 },
  slippageBps: { env: 'POLYLAB_SLIPPAGE_BPS', schema: num(0, 1000), default: 0 },
  tif: { env: 'POLYLAB_TIF', schema: z.enum(TIFS), default: 'IOC', accepted: TIFS.join(', ') },
  gtcTtlMs: { env: 'POLYLAB_GTC_TTL_MS', schema: int(1, 86_400_000), default: 30_000 },
  takerDelayMs: {
    env: 'POLYLAB_TAKER_DELAY_MS',
    schema: int(0, 60_000),
    default: CRYPTO_TAKER_DELAY_MS,
    accepted: 'an integer 0-60000 (ms; for markets whose metadata names no taker delay)',
  },
  cancelLatencyMs: {
    env: 'POLYLAB_CANCEL_LATENCY_MS',
    schema: int(0, 60_000).nullable(),
    default: null,
    accepted: 'an integer 0-60000 (ms; unset = POLYLAB_LATENCY_MS)',
  },
  queueModel: { env: 'POLYLAB_QUEUE_MODEL', schema: z.enum(QUEUE_MODELS), default: 'conservative', accepted: QUEUE_MODELS.join(', ') },
  queuePower: {
    env: 'POLYLAB_QUEUE_POWER',
    schema: num(0.1, 10),
    default: DEFAULT_QUEUE_POWER,
    accepted: 'a number 0.1-10 (the probabilistic queue model f(x) = x^n)',
  },
  pessimisticLatency: {
    env: 'POLYLAB_PESSIMISTIC_LATENCY',
    schema: z.enum(['double', 'measured_p99']),
    default: 'double',
    accepted: 'double, measured_p99',
  },
  tapeWindowMs: {
    env: 'POLYLAB_TAPE_WINDOW_MS',
    schema: int(0, 3_600_000),
    default: 5_000,
    accepted: 'an integer 0-3600000 (ms after a fill in which market prints still confirm it)',
  },
} satisfies Record<string, Setting>;

type Settings = typeof SETTINGS;

/** Every `POLYLAB_*` variable a config reads (a strategies file may set only these). */
export const SETTING_VARS: ReadonlySet<string> = new Set(Object.values(SETTINGS as Record<string, Setting>).map((s) => s.env));
export type Config = Readonly<{ [K in keyof Settings]: z.infer<Settings[K]['schema']> }> & {
  readonly venueUrl: (v: VenueName) => string;
  readonly venueSymbol: (v: VenueName) => string;
  /** The configured venues with their URL and symbol, in `POLYLAB_VENUES` order. */
  readonly venueEndpoints: () => VenueEndpoint[];
  /** PolyBolt's data-only credentials (redacted in any JSON or log), or null: RTDS is used. */
  readonly polyboltCredentials: PolyBoltCredentials | null;
};
export type ConfigKey = keyof Settings;

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
  // The region is read first: it changes other settings' defaults (never an explicit value).
  const region = parseSetting('region', SETTINGS.region, env, flags, SETTINGS.region.default) as Region;
  for (const [key, setting] of Object.entries(SETTINGS) as [ConfigKey, Setting][]) {
    out[key] = parseSetting(key, setting, env, flags, setting.regionDefault ? setting.regionDefault(region) : setting.default);
  }
  const cfg = out as Record<string, unknown>;
  cfg.venueUrl = (v: VenueName) => cfg[`${v}WsUrl`] as string;
  cfg.venueSymbol = (v: VenueName) => cfg[`${v}Symbol`] as string;
  cfg.venueEndpoints = () =>
    (cfg.venues as VenueName[]).map((venue) => ({ venue, url: cfg[`${venue}WsUrl`] as string, symbol: cfg[`${venue}Symbol`] as string }));
  cfg.polyboltCredentials = readPolyBoltCredentials(env);
  return Object.freeze(cfg) as Config;
}

/** One setting: flag > environment > `fallback`, validated; a bad value names its variable. */
function parseSetting(
  key: string,
  setting: Setting,
  env: Record<string, string | undefined>,
  flags: Partial<Record<ConfigKey, unknown>>,
  fallback: unknown,
): unknown {
  const fromFlag = flags[key as ConfigKey];
  const fromEnv = env[setting.env];
  const raw = fromFlag !== undefined ? fromFlag : fromEnv !== undefined && fromEnv !== '' ? fromEnv : fallback;
  const origin = fromFlag !== undefined ? `${setting.flag ?? `--${kebab(key)}`} (${setting.env})` : setting.env;
  const parsed = setting.schema.safeParse(raw);
  if (!parsed.success) {
    const accepted = setting.accepted ?? parsed.error.issues.map((i) => i.message).join('; ');
    throw new ConfigError(setting.env, `Invalid ${origin}=${JSON.stringify(raw)}: accepted values are ${accepted}`);
  }
  return parsed.data;
}

/**
 * Why this config could never trade: the median's or the risk gate's minimum number of
 * venues above the number configured (e.g. after removing blocked venues). The defaults
 * (median 2, risk 3) let four venues — POLYLAB_REGION=us — trade. Printed at start; not an
 * error, since a run with fewer venues still shows the feeds.
 */
export function venueMinimumWarnings(cfg: Config): string[] {
  const n = cfg.venues.length;
  const out: string[] = [];
  for (const key of ['medianMinVenues', 'riskMinVenues'] as const) {
    if (cfg[key] > n)
      out.push(
        `${SETTINGS[key].env}=${cfg[key]} but only ${n} venue(s) are configured (POLYLAB_VENUES): no order can be placed; lower it to ${n} or add venues`,
      );
  }
  return out;
}

function kebab(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

export { ConfigError };
