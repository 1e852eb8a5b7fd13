/**
 * `polylab history fetch`: downloads what a backtest of a range needs into an archive
 * (docs/history.md), with GETs only:
 * - Gamma events of every window of the families asked for: `GET <gamma>/events/slug/<slug>`
 *   (the slugs live discovery computes, src/polymarket/windows.ts), saved as
 *   `gamma/<slug>.json`; first, since their markets say which PMXT rows are wanted.
 * - PMXT hours `<pmxt>/polymarket_orderbook_YYYY-MM-DDTHH.parquet` (archive.pmxt.dev v2
 *   overview, read 2026-12-06: public HTTPS, no credentials), by parts, kept as a smaller
 *   Parquet file of the wanted row groups (pmxtFetch.ts).
 * - Binance daily trades `<binance>/data/spot/daily/trades/BTCUSDT/BTCUSDT-trades-<day>.zip`
 *   and its `.CHECKSUM` (github.com/binance/binance-public-data README, read 2026-12-06),
 *   checked before the file is kept.
 * - Bybit's public spot trades `<bybit>/spot/BTCUSDT/BTCUSDT_<day>.csv.gz` (free; format in
 *   trades.ts; no checksum published).
 * - OKX's daily trade files `<okx>/cdn/okex/traderecords/trades/daily/<YYYYMMDD>/BTC-USDT-trades-<day>.zip`
 *   (OKX API v5 docs, "Get historical market data", read 2026-12-06: the URLs its
 *   answer lists; free; days are UTC+8 days, so a UTC range needs the next day's file too;
 *   no checksum published).
 * - Tardis trades `<tardis>/v1/<exchange>/trades/<YYYY>/<MM>/<DD>/<symbol>.csv.gz`
 *   (docs.tardis.dev "Downloadable CSV files", read 2026-12-06), with the key as
 *   `Authorization: Bearer` — sent to that base URL only, never logged; without a key only
 *   the first day of each month is free, the other days are skipped and said. The symbol in
 *   the URL is the instrument id with `/` and `:` turned into `-`, upper case, as
 *   tardis-dev's downloadDatasets builds it (node_modules/tardis-dev/dist/downloaddatasets.js,
 *   v13.35.3), e.g. `XBT-USD` for Kraken's `XBT/USD`.
 */
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import type { MarketFamily } from '../core/events.ts';
import { readBodyCapped, GAMMA_BODY_MAX_BYTES } from '../net/httpBody.ts';
import { candidateSlugs, windowEndMs, windowStartMs } from '../polymarket/windows.ts';
import { download, get, HttpRefusal } from './download.ts';
import { fetchPmxtHour } from './pmxtFetch.ts';
import { pmxtFileName } from './pmxt.ts';
import { readGammaArchive } from './gammaArchive.ts';
import { HistoryError } from './problems.ts';
import { HOUR_MS } from '../capture/format.ts';

export interface Endpoints {
  pmxtUrl: string;
  gammaUrl: string;
  binanceUrl: string;
  tardisUrl: string;
  bybitUrl: string;
  okxUrl: string;
  /** POLYLAB_TARDIS_API_KEY: only ever in the Tardis request's header. */
  tardisKey: string | null;
}

const URL_SETTINGS = {
  pmxtUrl: ['POLYLAB_PMXT_URL', 'https://r2v2.pmxt.dev'],
  gammaUrl: ['POLYLAB_GAMMA_URL', 'https://gamma-api.polymarket.com'],
  binanceUrl: ['POLYLAB_BINANCE_DATA_URL', 'https://data.binance.vision'],
  tardisUrl: ['POLYLAB_TARDIS_DATASETS_URL', 'https://datasets.tardis.dev'],
  bybitUrl: ['POLYLAB_BYBIT_DATA_URL', 'https://public.bybit.com'],
  okxUrl: ['POLYLAB_OKX_DATA_URL', 'https://static.okx.com'],
} as const;

/** The base URLs (each a POLYLAB_* setting) and the optional Tardis key, from `env`. */
export function endpointsFrom(env: Record<string, string | undefined>): Endpoints {
  const out: Record<string, string> = {};
  for (const [key, [name, fallback]] of Object.entries(URL_SETTINGS)) {
    const v = env[name] || fallback;
    let u: URL;
    try {
      u = new URL(v);
    } catch {
      throw new HistoryError(`${name}=${v}: not a URL (accepted: an http:// or https:// base URL)`);
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new HistoryError(`${name}=${v}: not an http:// or https:// URL`);
    out[key] = v.replace(/\/+$/, '');
  }
  const key = env.POLYLAB_TARDIS_API_KEY;
  return { ...(out as Omit<Endpoints, 'tardisKey'>), tardisKey: key && key.length > 0 ? key : null };
}

/**
 * Tardis's exchange ids (tardis-dev's EXCHANGES, src/consts.ts) and the instrument id of
 * our pair on each, as its mappers report them (tardis-node src/mappers, read 2026-12-06):
 * OKX is `okex`, Bybit spot `bybit-spot`; Bitstamp's symbol is the channel's pair upper
 * case (`live_trades_btcusd` → `BTCUSD`); Kraken's is the WebSocket pair, `XBT/USD` from
 * its v1 API and `BTC/USD` from its v2 API, which Tardis records from 2026-07-10
 * (KRAKEN_V2_API_SWITCH_DATE in src/mappers/kraken.ts).
 */
export const TARDIS_SYMBOLS: Readonly<Record<string, [exchange: string, symbol: string]>> = Object.freeze({
  coinbase: ['coinbase', 'BTC-USD'],
  kraken: ['kraken', 'XBT/USD'],
  bitstamp: ['bitstamp', 'BTCUSD'],
  okx: ['okex', 'BTC-USDT'],
  bybit: ['bybit-spot', 'BTCUSDT'],
  binance: ['binance', 'BTCUSDT'],
});
const KRAKEN_V2_DAY = '2026-07-10';

/** Tardis's exchange id and instrument id of our pair on `venue` on UTC day `day` (YYYY-MM-DD). */
export function tardisSymbol(venue: string, day: string): [exchange: string, symbol: string] | undefined {
  if (venue === 'kraken' && day >= KRAKEN_V2_DAY) return ['kraken', 'BTC/USD'];
  return TARDIS_SYMBOLS[venue];
}

/** The instrument id as the datasets API and its file names spell it (`XBT/USD` → `XBT-USD`). */
export const datasetSymbol = (symbol: string): string => symbol.replace(/\/|:/g, '-').toUpperCase();

export interface FetchOptions {
  dir: string;
  fromMs: number;
  toMs: number;
  families: readonly MarketFamily[];
  venues: readonly string[];
  endpoints: Endpoints;
  signal?: AbortSignal;
  onBytes: (n: number) => void;
  /** Bytes about to be fetched, as soon as they are known (the footer's ranges, a Content-Length). */
  onPlan?: (n: number) => void;
  onNote: (line: string) => void;
}

export interface FetchReport {
  gamma: { fetched: number; present: number; missing: number };
  pmxt: { hour: string; status: string; fileBytes: number; fetchedBytes: number; writtenBytes: number }[];
  trades: { file: string; status: string }[];
  failures: string[];
}

const days = (fromMs: number, toMs: number): string[] => {
  const out: string[] = [];
  for (let d = Math.floor(fromMs / 86_400_000) * 86_400_000; d < toMs; d += 86_400_000) out.push(new Date(d).toISOString().slice(0, 10));
  return out;
};

async function fetchGamma(o: FetchOptions, r: FetchReport): Promise<void> {
  const dir = path.join(o.dir, 'gamma');
  fs.mkdirSync(dir, { recursive: true });
  for (const family of o.families) {
    for (let s = windowStartMs(family, o.fromMs); s < o.toMs; s = windowEndMs(family, s)) {
      const slugs = candidateSlugs(family, s);
      if (slugs.some((slug) => fs.existsSync(path.join(dir, `${slug}.json`)))) {
        r.gamma.present += 1;
        continue;
      }
      let found = false;
      for (const slug of slugs) {
        const url = `${o.endpoints.gammaUrl}/events/slug/${encodeURIComponent(slug)}`;
        try {
          const body = await readBodyCapped(await get({ url, signal: o.signal }), GAMMA_BODY_MAX_BYTES);
          if (!body.ok) throw new Error(`${url}: ${body.message}`);
          o.onBytes(body.bytes);
          fs.writeFileSync(path.join(dir, `${slug}.json`), body.text);
          found = true;
          break;
        } catch (err) {
          if (err instanceof HttpRefusal && err.status === 404) continue;
          carryOn(err, r);
          break;
        }
      }
      if (found) r.gamma.fetched += 1;
      else {
        r.gamma.missing += 1;
        o.onNote(`gamma: no event for ${slugs.join(' / ')} (HTTP 404)`);
      }
    }
  }
}

async function fetchPmxt(o: FetchOptions, r: FetchReport): Promise<void> {
  const dir = path.join(o.dir, 'pmxt');
  fs.mkdirSync(dir, { recursive: true });
  const markets = readGammaArchive(path.join(o.dir, 'gamma')).markets.map((m) => m.info.market_id);
  for (let h = Math.floor(o.fromMs / HOUR_MS) * HOUR_MS; h < o.toMs; h += HOUR_MS) {
    const name = pmxtFileName(h);
    try {
      const res = await fetchPmxtHour(
        { url: `${o.endpoints.pmxtUrl}/${name}`, signal: o.signal, onPlan: o.onPlan },
        path.join(dir, name),
        markets,
        o.onBytes,
      );
      r.pmxt.push({
        hour: name,
        status: res.status,
        fileBytes: res.fileBytes,
        fetchedBytes: res.fetchedBytes,
        writtenBytes: res.writtenBytes,
      });
    } catch (err) {
      // PMXT: "a missing key means zero events that hour" — a gap, said, not a failure.
      if (err instanceof HttpRefusal && err.status === 404)
        r.pmxt.push({ hour: name, status: 'missing (404)', fileBytes: 0, fetchedBytes: 0, writtenBytes: 0 });
      else carryOn(err, r);
    }
  }
}

async function verifyChecksum(zip: string, checksum: string): Promise<boolean> {
  const want = fs.readFileSync(checksum, 'utf8').trim().split(/\s+/)[0]?.toLowerCase();
  const h = crypto.createHash('sha256');
  for await (const c of fs.createReadStream(zip)) h.update(c as Buffer);
  return h.digest('hex') === want;
}

/** One file's refusal is reported and the next goes on; a 429 stops the step (no hammering). */
function carryOn(err: unknown, r: FetchReport): void {
  if (!(err instanceof HttpRefusal) || err.status === 429) throw err;
  r.failures.push(err.message);
}

/** OKX names its files by UTC+8 day. */
const OKX_DAY_SHIFT_MS = 8 * 3_600_000;

async function fetchTrades(o: FetchOptions, r: FetchReport): Promise<void> {
  for (const venue of o.venues) {
    const venueDays = venue === 'okx' ? days(o.fromMs + OKX_DAY_SHIFT_MS, o.toMs + OKX_DAY_SHIFT_MS) : days(o.fromMs, o.toMs);
    for (const day of venueDays)
      try {
        await fetchTradeDay(o, r, day, venue);
      } catch (err) {
        carryOn(err, r);
      }
  }
}

async function fetchTradeDay(o: FetchOptions, r: FetchReport, day: string, venue: string): Promise<void> {
  if (venue === 'binance') {
    const dir = path.join(o.dir, 'binance');
    fs.mkdirSync(dir, { recursive: true });
    const name = `BTCUSDT-trades-${day}.zip`;
    const url = `${o.endpoints.binanceUrl}/data/spot/daily/trades/BTCUSDT/${name}`;
    const dest = path.join(dir, name);
    const had = fs.existsSync(dest);
    await download({ url: `${url}.CHECKSUM`, signal: o.signal, onPlan: o.onPlan }, `${dest}.CHECKSUM`, o.onBytes);
    const status = await download({ url, signal: o.signal, onPlan: o.onPlan }, dest, o.onBytes);
    if (!had && !(await verifyChecksum(dest, `${dest}.CHECKSUM`))) {
      fs.rmSync(dest);
      r.failures.push(`${url}: SHA-256 does not match its .CHECKSUM; removed, fetch again`);
      return;
    }
    r.trades.push({ file: name, status });
    return;
  }
  if (venue === 'bybit') {
    fs.mkdirSync(path.join(o.dir, 'bybit'), { recursive: true });
    const name = `BTCUSDT_${day}.csv.gz`;
    const url = `${o.endpoints.bybitUrl}/spot/BTCUSDT/${name}`;
    r.trades.push({
      file: name,
      status: await download({ url, signal: o.signal, onPlan: o.onPlan }, path.join(o.dir, 'bybit', name), o.onBytes),
    });
    return;
  }
  if (venue === 'okx') {
    fs.mkdirSync(path.join(o.dir, 'okx'), { recursive: true });
    const name = `BTC-USDT-trades-${day}.zip`;
    const url = `${o.endpoints.okxUrl}/cdn/okex/traderecords/trades/daily/${day.replace(/-/g, '')}/${name}`;
    r.trades.push({
      file: name,
      status: await download({ url, signal: o.signal, onPlan: o.onPlan }, path.join(o.dir, 'okx', name), o.onBytes),
    });
    return;
  }
  const ts = tardisSymbol(venue, day);
  if (!ts) throw new HistoryError(`--venues: ${venue} is not one of ${Object.keys(TARDIS_SYMBOLS).join(', ')}`);
  const [exchange, symbol] = ts;
  const name = `${exchange}_trades_${day}_${datasetSymbol(symbol)}.csv.gz`;
  if (o.endpoints.tardisKey === null && !day.endsWith('-01')) {
    r.trades.push({ file: name, status: 'skipped: needs POLYLAB_TARDIS_API_KEY (only the first day of a month is free)' });
    return;
  }
  fs.mkdirSync(path.join(o.dir, 'tardis'), { recursive: true });
  const [y, m, d] = day.split('-');
  const url = `${o.endpoints.tardisUrl}/v1/${exchange}/trades/${y}/${m}/${d}/${datasetSymbol(symbol)}.csv.gz`;
  const headers: Record<string, string> = o.endpoints.tardisKey ? { authorization: `Bearer ${o.endpoints.tardisKey}` } : {};
  r.trades.push({
    file: name,
    status: await download({ url, headers, signal: o.signal, onPlan: o.onPlan }, path.join(o.dir, 'tardis', name), o.onBytes),
  });
}

/** Runs every step; an HTTP refusal of one file is reported and the others go on. */
export async function fetchHistory(o: FetchOptions): Promise<FetchReport> {
  const r: FetchReport = { gamma: { fetched: 0, present: 0, missing: 0 }, pmxt: [], trades: [], failures: [] };
  for (const step of [fetchGamma, fetchPmxt, fetchTrades]) {
    try {
      await step(o, r);
    } catch (err) {
      if (err instanceof HistoryError) throw err;
      r.failures.push(err instanceof HttpRefusal ? err.message : `${step.name}: ${(err as Error).message}`);
    }
  }
  return r;
}
