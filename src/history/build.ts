/**
 * `polylab history build`: an archive (docs/history.md) → a capture (docs/capture-format.md)
 * that `polylab replay` and `polylab backtest` read like any other.
 *
 * What a live run would have received, in receive-time order: the Gamma markets (BTC
 * up/down only) discovered one window ahead as rollover does; their books from the PMXT
 * rows through the live market-channel parser and book keeper; BTC trades from Tardis /
 * Binance files; `market_closed` when a window ends and, right after, the official result
 * as the market socket delivers it (none for a market Polymarket had not resolved); a 1 s
 * timer. Sources are merged by time one batch at a time (merge.ts), so memory stays flat
 * whatever the archive's length; one PMXT hour's wanted rows are sorted by DuckDB within
 * its memory limit.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { InputEvent, MarketInfo } from '../core/events.ts';
import { parseClobFrame } from '../polymarket/wire/clobWsMessages.ts';
import { BookKeeper } from '../polymarket/bookKeeper.ts';
import { FAMILY_MS } from '../polymarket/windows.ts';
import { CaptureWriter } from '../capture/writer.ts';
import { CAPTURE_SUFFIX, HOUR_MS } from '../capture/format.ts';
import { MANIFEST, type BuildReport } from './archive.ts';
import { readGammaArchive, type HistoryMarket } from './gammaArchive.ts';
import { listPmxtHours, openDuck, readPmxtHour, type WantedMarket } from './pmxt.ts';
import { listTradeFiles, OKX_DAY_OFFSET_MS, readTradeFile, TARDIS_VENUES, type TradeFile } from './trades.ts';
import { mergeByTime } from './merge.ts';
import { HistoryError, Problems, type Problem } from './problems.ts';

/** How long the live feeds stay subscribed after a window ends (polymarketFeeds.ts). */
const KEEP_AFTER_END_MS = 30 * 60_000;
const TIMER_MS = 1_000;
const DAY_MS = 86_400_000;

export interface BuildOptions {
  archive: string;
  out: string;
  fromMs: number;
  toMs: number;
  strict: boolean;
  codeVersion: string;
  onProblem?: (p: Problem) => void;
  /** Called after each merged batch (progress). */
  onProgress?: (tsMs: number, inputs: number) => void;
}

export type { BuildReport } from './archive.ts';

type Item = { ts: number; input?: InputEvent; frame?: string; untrack?: MarketInfo };

/** Discovery, close, official result and the end of the subscription of each market, in time order. */
function lifecycle(markets: readonly HistoryMarket[], fromMs: number, toMs: number): Item[] {
  const out: Item[] = [];
  for (const m of markets) {
    const info = m.info;
    const seenMs = discoveredAt(info, fromMs);
    out.push({ ts: seenMs, input: { event_type: 'market_discovered', market: info, ts_unix_ms: seenMs } });
    if (info.window_end_ms >= toMs) continue;
    const end = info.window_end_ms;
    out.push({ ts: end, input: { event_type: 'market_closed', market_id: info.market_id, ts_unix_ms: end } });
    if (m.result.resolved)
      out.push({
        ts: end,
        input: {
          event_type: 'market_resolved',
          market_id: info.market_id,
          winning_token_id: m.result.winningTokenId,
          winning_outcome: m.result.winningOutcome,
          source: 'official',
          ...(m.result.split ? { split: true } : {}),
          ts_unix_ms: end,
        },
      });
    if (end + KEEP_AFTER_END_MS < toMs) out.push({ ts: end + KEEP_AFTER_END_MS, untrack: info });
  }
  return out.sort((a, b) => a.ts - b.ts);
}

async function* lifecycleSource(items: Item[], fromMs: number, toMs: number): AsyncGenerator<Item[]> {
  let i = 0;
  let batch: Item[] = [];
  for (let t = Math.ceil(fromMs / TIMER_MS) * TIMER_MS; t < toMs; t += TIMER_MS) {
    while (i < items.length && items[i]!.ts <= t) batch.push(items[i++]!);
    batch.push({ ts: t, input: { event_type: 'timer', ts_unix_ms: t } });
    if (batch.length >= 2048) {
      yield batch;
      batch = [];
    }
  }
  while (i < items.length) batch.push(items[i++]!);
  if (batch.length > 0) yield batch;
}

/** When a market is discovered and when it leaves the book keeper (as lifecycle() schedules it). */
const discoveredAt = (info: MarketInfo, fromMs: number) => Math.max(fromMs, info.window_start_ms - FAMILY_MS[info.family]);
const span =
  (o: BuildOptions) =>
  (m: HistoryMarket): WantedMarket => ({
    market: m.info.market_id,
    fromMs: discoveredAt(m.info, o.fromMs),
    toMs: m.info.window_end_ms + KEEP_AFTER_END_MS < o.toMs ? m.info.window_end_ms + KEEP_AFTER_END_MS : o.toMs,
  });

async function* pmxtSource(o: BuildOptions, markets: WantedMarket[], problems: Problems, report: BuildReport): AsyncGenerator<Item[]> {
  const { files } = listPmxtHours(o.archive, o.fromMs, o.toMs);
  const duck = await openDuck(path.join(os.tmpdir(), `polylab-history-${process.pid}`));
  try {
    for (const f of files) {
      report.pmxt.hours += 1;
      // Only the markets whose span touches this hour (an hour either side, for receive times
      // near the edge): asking every hour for every market of the range made a day's build
      // grow with the square of its length (each row tested against every market's span).
      const hourMarkets = markets.filter((w) => w.fromMs < f.hourMs + 2 * HOUR_MS && w.toMs > f.hourMs - HOUR_MS);
      for await (const frames of readPmxtHour(duck.c, f.file, hourMarkets, problems, report.pmxt)) {
        const items: Item[] = [];
        for (const fr of frames) if (fr.recvMs >= o.fromMs && fr.recvMs < o.toMs) items.push({ ts: fr.recvMs, frame: fr.frame });
        if (items.length > 0) yield items;
      }
    }
  } finally {
    duck.close();
  }
}

/** One venue's day files, one after the other. */
async function* tradeSource(files: TradeFile[], o: BuildOptions, problems: Problems): AsyncGenerator<Item[]> {
  for (const f of files)
    for await (const trades of readTradeFile(f, o.fromMs, o.toMs, problems)) yield trades.map((t) => ({ ts: t.ts_unix_ms, input: t }));
}

/** The venue a trade file's rows are for. */
function venueOf(f: TradeFile): string {
  if (f.kind !== 'tardis') return f.kind;
  return TARDIS_VENUES[path.basename(f.file).split('_trades_')[0]!] ?? 'unknown';
}

function tradeSources(o: BuildOptions, problems: Problems, report: BuildReport): AsyncIterable<Item[]>[] {
  const all = listTradeFiles(o.archive, o.fromMs, o.toMs);
  // One source per venue: a venue Tardis covers (with its receive times) is not read twice from a free file.
  const fromTardis = new Set(all.filter((f) => f.kind === 'tardis').map(venueOf));
  const files = all.filter((f) => f.kind === 'tardis' || !fromTardis.has(venueOf(f)));
  for (const v of [...new Set(all.filter((f) => !files.includes(f)).map(venueOf))])
    report.tradeGaps.push(`${v} ${v}: its own files left out (tardis/ has ${v})`);
  report.tradeFiles = files.length;
  // Files of one kind and venue are read in day order; every group is one merge source.
  const groups = new Map<string, TradeFile[]>();
  for (const f of files) {
    const key = `${f.kind}:${f.kind === 'bybit' ? path.basename(f.file).split('_')[0] : path.basename(f.file).split(/[_-]trades[_-]/)[0]}`;
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  for (const [key, g] of groups) {
    // An OKX day starts 8 h before UTC midnight: its files are checked on their own grid.
    const offsetMs = g[0]!.kind === 'okx' ? OKX_DAY_OFFSET_MS : 0;
    for (let day = Math.floor((o.fromMs - offsetMs) / DAY_MS) * DAY_MS + offsetMs; day < o.toMs; day += DAY_MS)
      if (!g.some((f) => f.dayMs === day))
        report.tradeGaps.push(`${key.replace(':', ' ')}: no file for ${new Date(day - offsetMs).toISOString().slice(0, 10)}`);
  }
  report.tradeGaps.sort();
  return [...groups.values()].map((g) =>
    tradeSource(
      g.sort((a, b) => a.dayMs - b.dayMs),
      o,
      problems,
    ),
  );
}

/**
 * Empties the capture directory of an earlier build. Only capture files and the manifest
 * are removed: a directory holding anything else is refused, never wiped.
 */
function clearOut(dir: string): void {
  if (!fs.existsSync(dir)) return;
  const names = fs.readdirSync(dir);
  const foreign = names.filter((n) => !n.endsWith(CAPTURE_SUFFIX) && n !== MANIFEST);
  if (foreign.length > 0)
    throw new HistoryError(
      `--out ${dir}: holds other files (${foreign.slice(0, 3).join(', ')}); give a new or empty directory, or one an earlier build wrote`,
    );
  for (const n of names) fs.rmSync(path.join(dir, n));
}

export async function buildCapture(o: BuildOptions): Promise<BuildReport> {
  const problems = new Problems(o.strict, o.onProblem);
  const gamma = readGammaArchive(path.join(o.archive, 'gamma'));
  for (const p of gamma.problems) problems.add(p);
  const markets = gamma.markets.filter((m) => m.info.window_end_ms > o.fromMs && m.info.window_start_ms < o.toMs);
  const runId = `history-${new Date(o.fromMs).toISOString().slice(0, 16).replace(/[-:]/g, '')}`;
  const report: BuildReport = {
    runId,
    fromMs: o.fromMs,
    toMs: o.toMs,
    markets: markets.length,
    v2Markets: markets.filter((m) => m.version === 'v2').length,
    decoys: gamma.decoys,
    rejected: gamma.rejected,
    unresolved: markets.filter((m) => !m.result.resolved && m.info.window_end_ms < o.toMs).map((m) => m.info.slug),
    pmxt: { hours: 0, missingHours: listPmxtHours(o.archive, o.fromMs, o.toMs).missing, rowGroups: 0, rowGroupsRead: 0, rows: 0 },
    tradeFiles: 0,
    trades: {},
    tradeGaps: [],
    inputs: 0,
    books: { snapshots: 0, deltas: 0, resyncs: 0, unknownToken: 0, invalid: 0, firstInvalid: null },
    problems: problems.list,
    files: [],
  };
  clearOut(o.out);
  const writer = new CaptureWriter({
    dir: o.out,
    identity: {
      run_id: runId,
      mode: 'backtest',
      code_version: o.codeVersion,
      created_wall_ms: Date.now(),
      sources: ['pmxt', 'gamma', 'tardis', 'binance', 'bybit', 'okx'],
      settings: {},
      start_ms: o.fromMs,
      seed: null,
      restore: null,
    },
  });
  const emit = (e: InputEvent) => {
    writer.input(e);
    report.inputs += 1;
    if (e.event_type === 'venue_trade') report.trades[e.venue] = (report.trades[e.venue] ?? 0) + 1;
  };
  const keeper = new BookKeeper({ emit, requestResync: () => undefined });
  const sources = [
    lifecycleSource(lifecycle(markets, o.fromMs, o.toMs), o.fromMs, o.toMs),
    pmxtSource(o, markets.map(span(o)), problems, report),
    ...tradeSources(o, problems, report),
  ];
  let lastTs = o.fromMs;
  try {
    for await (const batch of mergeByTime(sources)) {
      for (const item of batch) step(item, keeper, emit, report.books);
      lastTs = batch[batch.length - 1]!.ts;
      o.onProgress?.(lastTs, report.inputs);
      await writer.drain();
    }
  } finally {
    await writer.close({ ts_unix_ms: Math.max(lastTs, o.toMs - 1) });
  }
  const c = keeper.counters;
  report.books = { ...report.books, snapshots: c.snapshots, deltas: c.deltas, resyncs: c.resyncRequests, unknownToken: c.unknownToken };
  report.files = writer.stats.files;
  return report;
}

function step(item: Item, keeper: BookKeeper, emit: (e: InputEvent) => void, books: BuildReport['books']): void {
  if (item.untrack) {
    for (const t of item.untrack.tokens) keeper.untrack(t.token_id);
    return;
  }
  if (item.input) {
    if (item.input.event_type === 'market_discovered') {
      const m = item.input.market;
      for (const t of m.tokens) keeper.track(m.market_id, t.token_id, m.tick_size, item.ts);
    }
    emit(item.input);
    return;
  }
  // The row's receive time goes with it, as a live frame's does: it stands in for a missing `timestamp`.
  for (const m of parseClobFrame(item.frame!, item.ts)) {
    if (m.kind === 'last_trade_price') {
      // As the live feed does (polymarketFeeds.ts): a size-0 or sizeless print carries no volume.
      if (m.size !== null && m.size > 0 && keeper.has(m.assetId))
        emit({
          event_type: 'market_trade',
          market_id: m.market,
          token_id: m.assetId,
          px: m.px,
          qty: m.size,
          side: m.side,
          ts_exchange_ms: m.tsMs,
          ts_unix_ms: item.ts,
        });
    } else if (m.kind === 'invalid') {
      // A row the live parser refuses (counted with the first reason; the row is skipped).
      books.invalid += 1;
      books.firstInvalid ??= m.reason;
    } else keeper.onMessage(m, item.ts);
  }
}
