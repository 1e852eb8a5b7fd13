/**
 * Writes the bench's generated archive (run as a child process, so DuckDB's memory while
 * writing does not count in the build's peak RSS): one PMXT hour in the v2 schema, 2 M
 * rows over 40 markets, and the Gamma events of the 16 meant as BTC (12 5m + 4 15m windows).
 */
import fs from 'node:fs';
import path from 'node:path';
import { writeGeneratedHour } from '../test/helpers/pmxtParquet.ts';
import { gammaEvent } from '../test/helpers/historyArchive.ts';
import { pmxtFileName } from '../src/history/pmxt.ts';

export const BENCH_HOUR_MS = Date.parse('2026-04-20T12:00:00Z');
export const BENCH_ROWS = 2_000_000;
export const BENCH_MARKETS = 40;
export const BTC_MARKETS = 16;

/**
 * For `history fetch`: an hour laid out like a real one, where the BTC markets are a few
 * among many and, sorted by condition id, fall in scattered row groups — 2,000 markets,
 * the same 2 M rows, row groups of 16,384 rows (~120 groups); the BTC ones are every
 * 125th. (The hour above has its BTC markets first and two row groups: it measures the
 * build, not the fetch.)
 */
export const SCATTERED_FILE = 'scattered.parquet';
export const SCATTERED_MARKETS = 2_000;
export const SCATTERED_BTC = Array.from({ length: BTC_MARKETS }, (_, i) => i * (SCATTERED_MARKETS / BTC_MARKETS));

export async function writeBenchArchive(dir: string): Promise<void> {
  fs.mkdirSync(path.join(dir, 'pmxt'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'gamma'), { recursive: true });
  await writeGeneratedHour(path.join(dir, SCATTERED_FILE), BENCH_HOUR_MS, BENCH_ROWS, SCATTERED_MARKETS, 0, 16_384);
  const gen = await writeGeneratedHour(path.join(dir, 'pmxt', pmxtFileName(BENCH_HOUR_MS)), BENCH_HOUR_MS, BENCH_ROWS, BENCH_MARKETS);
  for (let i = 0; i < BTC_MARKETS; i++) {
    const fiveMin = i < 12;
    const windowMs = fiveMin ? 300_000 : 900_000;
    const startMs = BENCH_HOUR_MS + (fiveMin ? i : i - 12) * windowMs;
    const slug = `btc-updown-${fiveMin ? '5m' : '15m'}-${startMs / 1000}`;
    const [up, down] = gen.assets[i]!;
    const ev = gammaEvent(
      { slug, conditionId: gen.markets[i]!, up, down, startMs, version: 'v2', prices: ['1', '0'], asset: 'btc' },
      windowMs,
    );
    fs.writeFileSync(path.join(dir, 'gamma', `${slug}.json`), JSON.stringify(ev));
  }
}

if (process.argv[2] === '--write') await writeBenchArchive(process.argv[3]!);
