/**
 * By hand, not in `npm run bench` (it takes minutes): `history build`'s peak RSS over a
 * generated day against one generated hour of the same size and a quarter and half of the day, to show memory stays flat
 * with the archive's length (docs/history.md states the figures).
 *
 *   node --import tsx bench/historyDay.ts [rowsPerHour=500000] [hours=24]
 *
 * The archive is written by a child process (DuckDB's memory while writing does not count);
 * each build runs in its own child, so each peak RSS is that build's alone. Every hour has
 * 40 markets of which 16 BTC (its twelve 5m and four 15m windows, with Gamma events), in
 * the real v2 schema (test/helpers/pmxtParquet.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { assetId, conditionId, writeGeneratedHour } from '../test/helpers/pmxtParquet.ts';
import { gammaEvent } from '../test/helpers/historyArchive.ts';
import { pmxtFileName } from '../src/history/pmxt.ts';
import { buildCapture } from '../src/history/build.ts';

const DAY_START_MS = Date.parse('2026-04-20T00:00:00Z');
const HOUR_MS = 3_600_000;
const MARKETS = 40;

async function writeDay(dir: string, rowsPerHour: number, hours: number): Promise<void> {
  fs.mkdirSync(path.join(dir, 'pmxt'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'gamma'), { recursive: true });
  for (let h = 0; h < hours; h++) {
    const hourMs = DAY_START_MS + h * HOUR_MS;
    await writeGeneratedHour(path.join(dir, 'pmxt', pmxtFileName(hourMs)), hourMs, rowsPerHour, MARKETS, h * MARKETS);
    for (let i = 0; i < 16; i++) {
      const fiveMin = i < 12;
      const windowMs = fiveMin ? 300_000 : 900_000;
      const startMs = hourMs + (fiveMin ? i : i - 12) * windowMs;
      const slug = `btc-updown-${fiveMin ? '5m' : '15m'}-${startMs / 1000}`;
      const n = h * MARKETS + i;
      const ev = gammaEvent(
        {
          slug,
          conditionId: conditionId(n),
          up: assetId(n, 0),
          down: assetId(n, 1),
          startMs,
          version: 'v2',
          prices: ['1', '0'],
          asset: 'btc',
        },
        windowMs,
      );
      fs.writeFileSync(path.join(dir, 'gamma', `${slug}.json`), JSON.stringify(ev));
    }
  }
}

async function buildOnce(archive: string, hours: number): Promise<void> {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'polylab-day-cap-'));
  try {
    const t0 = performance.now();
    const r = await buildCapture({
      archive,
      out,
      fromMs: DAY_START_MS,
      toMs: DAY_START_MS + hours * HOUR_MS,
      strict: false,
      codeVersion: 'day',
    });
    const s = (performance.now() - t0) / 1000;
    const rss = process.resourceUsage().maxRSS / 1024;
    console.log(`${hours} h: ${r.pmxt.rows} wanted rows, ${r.inputs} inputs, ${s.toFixed(0)} s, peak RSS ${rss.toFixed(0)} MB`);
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}

const [mode, a, b, c] = process.argv.slice(2);
if (mode === '--write') await writeDay(a!, Number(b), Number(c));
else if (mode === '--build') await buildOnce(a!, Number(b));
else {
  const rowsPerHour = Number(mode ?? 500_000);
  const hours = Number(a ?? 24);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'polylab-day-'));
  const self = new URL(import.meta.url).pathname;
  const run = (...args: string[]) => execFileSync(process.execPath, [...process.execArgv, self, ...args], { stdio: 'inherit' });
  try {
    const t0 = performance.now();
    run('--write', dir, String(rowsPerHour), String(hours));
    console.log(`generated ${hours} hours of ${rowsPerHour} rows in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    for (const h of [1, Math.round(hours / 4), Math.round(hours / 2), hours]) run('--build', dir, String(h));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
