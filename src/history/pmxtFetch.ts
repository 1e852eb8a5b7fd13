/**
 * One PMXT hour, fetched by parts and written smaller: the Parquet footer with a suffix
 * `Range` request, then only the row groups whose `market` statistics can hold a wanted
 * market (pmxt.ts rowGroupsFor), each column chunk range with its own request, into
 * `<file>.part` at their own offsets (a sparse file: the skipped groups take no disk). Then
 * parquetCompact.ts writes `<file>`: a proper Parquet file of the same schema holding only
 * those row groups, byte for byte, with a re-written footer. A server that ignores `Range`
 * (answers 200) gets the whole-file download instead, compacted the same way on disk.
 *
 * Resumable: `<file>.part` plus `<file>.part.json` (the ranges written so far), or
 * `<file>.whole.part` for the fallback; a finished file is never fetched again. PMXT
 * publishes no checksums.
 */
import fs from 'node:fs';
import { parquetMetadata } from 'hyparquet';
import { download, get, writeBody, type Get } from './download.ts';
import { rowGroupsFor } from './pmxt.ts';
import { compactParquet } from './parquetCompact.ts';

/** The first suffix request: the footer of an hour (16 columns × a few row groups) fits well within it. */
const TAIL_BYTES = 16 * 1024;

export interface PmxtFetchResult {
  status: 'present' | 'fetched' | 'whole';
  /** The file's size on the server, and the bytes this call fetched. */
  fileBytes: number;
  fetchedBytes: number;
  rowGroups: number;
  rowGroupsFetched: number;
  /** The size of the Parquet file written (only the wanted row groups). */
  writtenBytes: number;
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

/** The footer (Thrift bytes) from the last bytes of a Parquet file, or why not. */
function footerOf(tail: Buffer, url: string): Buffer {
  if (tail.length < 8 || tail.toString('latin1', tail.length - 4) !== 'PAR1')
    throw new Error(`${url}: not a Parquet file (no footer magic in its last bytes)`);
  const footerLen = tail.readUInt32LE(tail.length - 8);
  if (footerLen + 8 > tail.length) throw new Error(`${url}: footer longer than the bytes read`);
  return tail.subarray(tail.length - 8 - footerLen, tail.length - 8);
}

function readTail(file: string): Buffer {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const n = Math.min(size, 8);
    const last = Buffer.alloc(n);
    fs.readSync(fd, last, 0, n, size - n);
    const want = n === 8 && last.toString('latin1', 4) === 'PAR1' ? Math.min(size, last.readUInt32LE(0) + 8) : n;
    const tail = Buffer.alloc(want);
    fs.readSync(fd, tail, 0, want, size - want);
    return tail;
  } finally {
    fs.closeSync(fd);
  }
}

/** Writes `dest` from `src` (the row groups of `markets` only), through a temporary name. */
function writeSmaller(src: string, footer: Buffer, markets: readonly string[], dest: string) {
  const plan = rowGroupsFor(parquetMetadata(framed(footer)), markets);
  const tmp = `${dest}.tmp`;
  const r = compactParquet(src, footer, plan.wanted, tmp);
  fs.renameSync(tmp, dest);
  return { plan, bytes: r.bytes };
}

/** The footer as hyparquet reads it, from the end of a buffer: the Thrift bytes, their length, the magic. */
function framed(footer: Buffer): ArrayBuffer {
  const b = Buffer.concat([footer, Buffer.alloc(4), Buffer.from('PAR1')]);
  b.writeUInt32LE(footer.length, footer.length);
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.length);
}

export async function fetchPmxtHour(
  g: Get,
  dest: string,
  markets: readonly string[],
  onBytes: (n: number) => void,
): Promise<PmxtFetchResult> {
  if (fs.existsSync(dest)) {
    const size = fs.statSync(dest).size;
    return { status: 'present', fileBytes: size, fetchedBytes: 0, rowGroups: 0, rowGroupsFetched: 0, writtenBytes: size };
  }
  let fetched = 0;
  const count = (n: number) => {
    fetched += n;
    onBytes(n);
  };
  const tailRes = await get(g, `bytes=-${TAIL_BYTES}`);
  if (tailRes.status !== 206) {
    // No range support: the whole file, then the wanted row groups of it.
    await tailRes.body?.cancel().catch(() => undefined);
    const whole = `${dest}.whole`;
    await download(g, whole, count);
    const fileBytes = fs.statSync(whole).size;
    const { plan, bytes } = writeSmaller(whole, footerOf(readTail(whole), g.url), markets, dest);
    fs.rmSync(whole);
    return {
      status: 'whole',
      fileBytes,
      fetchedBytes: fetched,
      rowGroups: plan.total,
      rowGroupsFetched: plan.wanted.length,
      writtenBytes: bytes,
    };
  }
  const size = Number(/\/(\d+)$/.exec(tailRes.headers.get('content-range') ?? '')?.[1]);
  let tail = Buffer.from(await tailRes.arrayBuffer());
  count(tail.length);
  if (!Number.isFinite(size)) throw new Error(`${g.url}: a 206 answer without the file's size in Content-Range`);
  if (tail.length < 8 || tail.toString('latin1', tail.length - 4) !== 'PAR1')
    throw new Error(`${g.url}: not a Parquet file (no footer magic in its last bytes)`);
  const footerLen = tail.readUInt32LE(tail.length - 8);
  if (footerLen + 8 > tail.length && footerLen + 8 <= size) {
    // Only the footer's bytes the first request did not bring.
    const more = await get(g, `bytes=${size - footerLen - 8}-${size - tail.length - 1}`);
    if (more.status !== 206) throw new Error(`${g.url}: answered ${more.status} to a range request it accepted before`);
    const head = Buffer.from(await more.arrayBuffer());
    count(head.length);
    tail = Buffer.concat([head, tail]);
  }
  const footer = footerOf(tail, g.url);
  const plan = rowGroupsFor(parquetMetadata(framed(footer)), markets);
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
    const tailStart = size - tail.length;
    fs.writeSync(fd, tail, 0, tail.length, tailStart);
    const doneKey = new Set(state.done.map(([a, b]) => `${a}-${b}`));
    // What the tail request brought already is not asked for again.
    const todo = merge(plan.ranges)
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
  const { bytes } = writeSmaller(part, footer, markets, dest);
  fs.rmSync(part);
  fs.rmSync(stateFile, { force: true });
  return {
    status: 'fetched',
    fileBytes: size,
    fetchedBytes: fetched,
    rowGroups: plan.total,
    rowGroupsFetched: plan.wanted.length,
    writtenBytes: bytes,
  };
}
