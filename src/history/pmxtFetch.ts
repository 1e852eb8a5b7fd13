/**
 * One PMXT hour, fetched by parts: the Parquet footer with a suffix `Range` request, then
 * only the row groups whose `market` statistics can hold a wanted market (pmxt.ts
 * rowGroupsFor), each with its own range. They are written at their own offsets into a
 * sparse file of the original length with the original footer, so the result is a valid
 * Parquet file of the same schema whose skipped row groups take no disk space and are never
 * read (their statistics hold no wanted market, and the build reads by those statistics).
 * A server that ignores `Range` (answers 200) gets the whole-file download instead.
 *
 * Resumable: `<file>.part` plus `<file>.part.json` (the ranges written so far); a finished
 * file is never fetched again. PMXT publishes no checksums.
 */
import fs from 'node:fs';
import { parquetMetadata } from 'hyparquet';
import { download, get, writeBody, type Get } from './download.ts';
import { rowGroupsFor } from './pmxt.ts';

/** The first suffix request: the footer of an hour (16 columns × a few row groups) fits well within it. */
const TAIL_BYTES = 16 * 1024;

export interface PmxtFetchResult {
  status: 'present' | 'fetched' | 'whole';
  /** The file's size on the server, and the bytes this call fetched. */
  fileBytes: number;
  fetchedBytes: number;
  rowGroups: number;
  rowGroupsFetched: number;
}

interface PartState {
  size: number;
  done: [number, number][];
}

/** Sorted, merged ranges [start, end). */
function merge(ranges: [number, number][]): [number, number][] {
  const s = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const r of s) {
    const last = out[out.length - 1];
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else out.push([r[0], r[1]]);
  }
  return out;
}

export async function fetchPmxtHour(
  g: Get,
  dest: string,
  markets: readonly string[],
  onBytes: (n: number) => void,
): Promise<PmxtFetchResult> {
  if (fs.existsSync(dest))
    return { status: 'present', fileBytes: fs.statSync(dest).size, fetchedBytes: 0, rowGroups: 0, rowGroupsFetched: 0 };
  let fetched = 0;
  const count = (n: number) => {
    fetched += n;
    onBytes(n);
  };
  const tailRes = await get(g, `bytes=-${TAIL_BYTES}`);
  if (tailRes.status !== 206) {
    // No range support: the whole file.
    await tailRes.body?.cancel().catch(() => undefined);
    await download(g, dest, count);
    return { status: 'whole', fileBytes: fs.statSync(dest).size, fetchedBytes: fetched, rowGroups: 0, rowGroupsFetched: 0 };
  }
  const size = Number(/\/(\d+)$/.exec(tailRes.headers.get('content-range') ?? '')?.[1]);
  let tail = Buffer.from(await tailRes.arrayBuffer());
  count(tail.length);
  if (tail.length >= size) {
    // A file smaller than the tail request came whole.
    fs.writeFileSync(dest, tail);
    return { status: 'fetched', fileBytes: size, fetchedBytes: fetched, rowGroups: 0, rowGroupsFetched: 0 };
  }
  if (!Number.isFinite(size) || tail.length < 8 || tail.toString('latin1', tail.length - 4) !== 'PAR1')
    throw new Error(`${g.url}: not a Parquet file (no footer magic in its last bytes)`);
  const footerLen = tail.readUInt32LE(tail.length - 8);
  if (footerLen + 8 > tail.length) {
    const more = await get(g, `bytes=-${footerLen + 8}`);
    tail = Buffer.from(await more.arrayBuffer());
    count(tail.length);
  }
  const meta = parquetMetadata(tail.buffer.slice(tail.byteOffset, tail.byteOffset + tail.length));
  const plan = rowGroupsFor(meta, markets);
  // Page indexes and bloom filters of every row group too (small): a reader may consult them before the statistics.
  const extra: [number, number][] = [];
  for (const rg of meta.row_groups)
    for (const c of rg.columns) {
      const spans: [unknown, unknown][] = [
        [c.offset_index_offset, c.offset_index_length],
        [c.column_index_offset, c.column_index_length],
        [c.meta_data?.bloom_filter_offset, c.meta_data?.bloom_filter_length],
      ];
      for (const [at, len] of spans)
        if (at !== undefined && len !== undefined && Number(len) > 0) extra.push([Number(at), Number(at) + Number(len)]);
    }
  const part = `${dest}.part`;
  const stateFile = `${dest}.part.json`;
  let state: PartState = { size, done: [] };
  try {
    const old = JSON.parse(fs.readFileSync(stateFile, 'utf8')) as PartState;
    if (old.size === size && fs.existsSync(part)) state = old;
  } catch {
    // No state: a fresh start.
  }
  const fd = fs.openSync(part, state.done.length > 0 ? 'r+' : 'w');
  try {
    fs.ftruncateSync(fd, size);
    fs.writeSync(fd, Buffer.from('PAR1'), 0, 4, 0);
    fs.writeSync(fd, tail, 0, tail.length, size - tail.length);
    const doneKey = new Set(state.done.map(([a, b]) => `${a}-${b}`));
    const tailStart = size - tail.length;
    // What the tail request brought already is not asked for again.
    const todo = merge([...plan.ranges, ...extra])
      .map(([start, end]): [number, number] => [start, Math.min(end, tailStart)])
      .filter(([start, end]) => end > start && !doneKey.has(`${start}-${end}`));
    g.onPlan?.(todo.reduce((n, [a, b]) => n + b - a, 0));
    for (const [start, end] of todo) {
      const res = await get(g, `bytes=${start}-${end - 1}`);
      if (res.status !== 206) throw new Error(`${g.url}: answered ${res.status} to a range request it accepted before`);
      await writeBody(res, fd, start, count);
      state.done.push([start, end]);
      fs.writeFileSync(stateFile, JSON.stringify(state));
    }
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(part, dest);
  fs.rmSync(stateFile, { force: true });
  return { status: 'fetched', fileBytes: size, fetchedBytes: fetched, rowGroups: plan.total, rowGroupsFetched: plan.wanted.length };
}
