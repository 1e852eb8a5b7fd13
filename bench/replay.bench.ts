/**
 * Replay throughput and cost. (1) From normalized inputs: a capture read back (gunzip,
 * split, JSON.parse, schema validation) as a ratio to plain JSON.parse of the same lines
 * (target ≥ 250k events/s); (2) from raw frames: the same with every venue, CLOB and data
 * socket frame re-parsed by the live parsers and guards (target ≥ 0.5× of JSON.parse);
 * (3) a simulated 24 h of all feeds replayed through the engine and the journal, as
 * `polylab replay` does (target ≤ 60 s); (4) RSS growth over that replay after warm-up
 * (target ≤ 16 MB).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CaptureLineParser, openCapture, readCapture, type CaptureRecord } from '../src/capture/reader.ts';
import { RawReparser } from '../src/capture/reparse.ts';
import { JournalWriter } from '../src/journal/writer.ts';
import { replayInto } from '../src/app/replaySource.ts';
import { buildEngine } from '../src/app/engineFactory.ts';
import { captureLines, cfg, rawCapture, simCapture } from './rawCorpus.ts';
import type { FigureRow as BenchRow } from './figures.ts';

const THROUGHPUT_HOURS = 4;
const gc = () => (globalThis as { gc?: () => void }).gc?.();
const seconds = async (fn: () => Promise<unknown> | unknown) => {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e9;
};

function parseAll(lines: readonly string[]): number {
  let n = 0;
  for (const l of lines) if (JSON.parse(l) !== null) n += 1;
  return n;
}

/** Median of 5 interleaved rounds: a read pipeline against JSON.parse of `baseline` (texts of the same records). */
async function versusParse(
  baseline: readonly string[],
  read: () => Promise<number>,
): Promise<{ events: number; rate: number; ratio: number; parseRate: number }> {
  const reads: number[] = [];
  const parses: number[] = [];
  let events = 0;
  for (let round = 0; round < 5; round++) {
    parses.push(await seconds(() => parseAll(baseline)));
    reads.push(await seconds(async () => (events = await read())));
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const rate = events / median(reads);
  const parseRate = baseline.length / median(parses);
  // Records per second against texts per second: one record per baseline text.
  return { events, rate, parseRate, ratio: rate / parseRate };
}

async function normalizedRow(dir: string): Promise<BenchRow> {
  await simCapture(dir, THROUGHPUT_HOURS);
  const capture = await openCapture(dir);
  const lines = capture.files.flatMap((f) => captureLines(f.path).slice(1));
  const r = await versusParse(lines, async () => {
    let n = 0;
    for await (const batch of readCapture(capture, { raw: false, strict: false })) n += batch.length;
    return n;
  });
  console.log(
    `normalized: ${r.events} inputs; JSON.parse ${(r.parseRate / 1e3).toFixed(0)} k lines/s, read ${(r.rate / 1e3).toFixed(0)} k inputs/s`,
  );
  return {
    name: 'replay from normalized inputs',
    value: r.rate / 1e3,
    unit: 'k ev/s',
    target: '≥ 250 k ev/s',
    ratio: r.ratio,
    pass: r.rate >= 250_000,
  };
}

/** Lines → inputs, as `replay --raw` does after decompression: line parse, frame re-parse, guards, book keeper. */
function reparseLines(lines: readonly string[]): number {
  const parser = new CaptureLineParser('bench', { raw: true, strict: false });
  const re = new RawReparser((v) => cfg.venueSymbol(v));
  const out: CaptureRecord[] = [];
  let n = 0;
  for (const line of lines) {
    parser.parse(line, out);
    for (const rec of out) {
      if (rec.event_type === undefined) n += re.frame(rec).length;
      else {
        re.observe(rec);
        n += 1;
      }
    }
    out.length = 0;
  }
  return n;
}

async function rawRows(dir: string): Promise<BenchRow[]> {
  const { file } = rawCapture(dir, THROUGHPUT_HOURS);
  const lines = captureLines(file).slice(1);
  // The texts the replay must parse: each frame as its venue sent it, each normalized line.
  const texts = lines.map((l) => (l.startsWith('{"raw":') ? (JSON.parse(l) as { data: string }).data : l));
  const vsFrames = await versusParse(texts, () => Promise.resolve(reparseLines(lines)));
  const vsLines = await versusParse(lines, () => Promise.resolve(reparseLines(lines)));
  console.log(
    `raw: ${lines.length} lines → ${vsFrames.events} inputs, ${(vsFrames.rate / 1e3).toFixed(0)} k/s; JSON.parse of the frames ${(vsFrames.parseRate / 1e3).toFixed(0)} k/s, of the capture lines ${(vsLines.parseRate / 1e3).toFixed(0)} k/s`,
  );
  return [
    {
      name: 'replay --raw vs JSON.parse of the frames',
      value: vsFrames.rate / 1e3,
      unit: 'k ev/s',
      target: '≥ 0.5×',
      ratio: vsFrames.ratio,
      pass: vsFrames.ratio >= 0.5,
    },
    {
      name: 'replay --raw vs JSON.parse of the capture lines',
      value: vsLines.rate / 1e3,
      unit: 'k ev/s',
      target: '(shown)',
      ratio: vsLines.ratio,
      pass: true,
    },
  ];
}

/** A full 24 h replay through engine and journal; RSS sampled after warm-up (the first 2 h of input time). */
async function dayRows(dir: string): Promise<BenchRow[]> {
  const made = await seconds(() => simCapture(dir, 24));
  const capture = await openCapture(dir);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'polylab-bench-journal-'));
  const journal = await JournalWriter.start({ dataDir, commitMs: 100 });
  journal.beginRun({
    run_id: 'bench-replay',
    mode: 'replay',
    seed: 7,
    strategy: cfg.strategy,
    version: 'bench',
    config: '{}',
    started_ms: capture.header.start_ms,
    started_wall_ms: Date.now(),
    pid: null,
    parent_run_id: null,
    restored: null,
    replay_of: 'bench-sim',
    capture_dir: null,
  });
  const engine = buildEngine(cfg, 'replay', 'bench-replay', 7);
  let warm: number | null = null;
  let peak = 0;
  // Warm-up: the first 2 of the 24 hours (by compressed bytes read).
  const warmAfterBytes = capture.bytes / 12;
  let bytesRead = 0;
  let lastTs = 0;
  const sink = journal.sink;
  const t = await seconds(async () => {
    for (const e of engine.start(capture.header.start_ms)) sink(e);
    await replayInto(capture, engine, sink, {
      raw: null,
      strict: false,
      speed: 'max',
      backpressure: async () => {
        await journal.drain(10_000);
        if (warm === null && bytesRead >= warmAfterBytes) {
          gc();
          warm = process.memoryUsage().rss;
        }
        if (warm !== null) peak = Math.max(peak, process.memoryUsage().rss);
      },
      onProgress: (bytes) => (bytesRead = bytes),
    }).then((r) => (lastTs = r.lastTsMs ?? 0));
    journal.endRun(lastTs);
    await journal.close();
  });
  gc();
  const end = process.memoryUsage().rss;
  // Growth = the highest RSS seen after warm-up (or at the end) above the warm-up level.
  const growthMb = warm === null ? NaN : (Math.max(peak, end) - warm) / 2 ** 20;
  console.log(
    `24 h sim: capture written in ${made.toFixed(1)} s (${(capture.bytes / 2 ** 20).toFixed(0)} MB gzip); replayed with journal in ${t.toFixed(1)} s; RSS after warm-up ${warm === null ? '?' : (warm / 2 ** 20).toFixed(0)} MB, peak ${(peak / 2 ** 20).toFixed(0)} MB, end ${(end / 2 ** 20).toFixed(0)} MB`,
  );
  fs.rmSync(dataDir, { recursive: true, force: true });
  return [
    { name: '24 h sim replay (engine + journal)', value: t, unit: 's', target: '≤ 60 s', ratio: null, pass: t <= 60 },
    { name: 'RSS growth over a 24 h replay', value: growthMb, unit: 'MB', target: '≤ 16 MB', ratio: null, pass: growthMb <= 16 },
  ];
}

export async function benchReplay(): Promise<BenchRow[]> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'polylab-bench-replay-'));
  const sub = (name: string) => {
    const d = path.join(root, name);
    fs.mkdirSync(d);
    return d;
  };
  try {
    return [await normalizedRow(sub('normalized')), ...(await rawRows(sub('raw'))), ...(await dayRows(sub('day')))];
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}
