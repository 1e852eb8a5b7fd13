/**
 * Reads captures (docs/capture-format.md): a file, or a directory holding the hourly files
 * of one run. Streams them (gunzip, split, parse, validate) in batches, so memory stays
 * flat whatever the capture's length. A bad line — not JSON, not a valid input, or the
 * truncated last line of a killed run — is reported with its file and line number and
 * skipped (or stops the read in strict mode). A file of a newer format is refused.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { StringDecoder } from 'node:string_decoder';
import { InputEventSchema, type InputEvent } from '../core/events.ts';
import {
  CAPTURE_FORMAT,
  CAPTURE_SUFFIX,
  CaptureHeaderSchema,
  EndRecordSchema,
  type CaptureHeader,
  type EndRecord,
  type RawRecord,
} from './format.ts';

export class CaptureError extends Error {
  readonly code = 'CAPTURE_UNREADABLE';
}

export interface CaptureFile {
  path: string;
  header: CaptureHeader;
  bytes: number;
}

export interface Capture {
  header: CaptureHeader;
  files: CaptureFile[];
  bytes: number;
}

export type CaptureRecord = InputEvent | (RawRecord & { event_type?: undefined });

export interface ReadOptions {
  /** Deliver raw frames too (otherwise their lines are skipped unparsed). */
  raw: boolean;
  /** Stop at the first bad line instead of skipping it. */
  strict: boolean;
  onBad?: (where: string, reason: string) => void;
  /** Compressed bytes consumed so far (progress). */
  onBytes?: (bytes: number) => void;
  onEnd?: (end: EndRecord) => void;
}

/** Opens a capture file, or the run captured in a directory; checks every header. */
export async function openCapture(target: string): Promise<Capture> {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(target);
  } catch {
    throw new CaptureError(`${target}: no such file or directory`);
  }
  const paths = stat.isDirectory()
    ? fs
        .readdirSync(target)
        .filter((f) => f.endsWith(CAPTURE_SUFFIX))
        .sort()
        .map((f) => path.join(target, f))
    : [target];
  if (paths.length === 0) throw new CaptureError(`${target}: no capture files (*${CAPTURE_SUFFIX}) in this directory`);
  const files: CaptureFile[] = [];
  for (const p of paths) files.push({ path: p, header: await readHeader(p), bytes: fs.statSync(p).size });
  const runs = [...new Set(files.map((f) => f.header.run_id))];
  if (runs.length > 1)
    throw new CaptureError(
      `${target}: holds captures of ${runs.length} runs (${runs.join(', ')}); replay one file or move each run's files to its own directory`,
    );
  files.sort((a, b) => a.header.file_index - b.header.file_index);
  return { header: files[0]!.header, files, bytes: files.reduce((s, f) => s + f.bytes, 0) };
}

async function readHeader(file: string): Promise<CaptureHeader> {
  let first: string | null = null;
  const decoder = new StringDecoder('utf8');
  let text = '';
  try {
    for await (const chunk of fs
      .createReadStream(file, { highWaterMark: 16 * 1024 })
      .pipe(zlib.createGunzip({ finishFlush: zlib.constants.Z_SYNC_FLUSH }))) {
      text += decoder.write(chunk as Buffer);
      const nl = text.indexOf('\n');
      if (nl >= 0) {
        first = text.slice(0, nl);
        break;
      }
    }
  } catch (err) {
    throw new CaptureError(`${file}: not a gzip capture (${(err as Error).message})`);
  }
  first ??= text;
  let raw: unknown;
  try {
    raw = JSON.parse(first);
  } catch {
    throw new CaptureError(`${file}:1: the header line is not JSON`);
  }
  const version = (raw as { polylab_capture?: unknown } | null)?.polylab_capture;
  if (typeof version !== 'number') throw new CaptureError(`${file}:1: not a Polylab capture (no "polylab_capture" header)`);
  if (version > CAPTURE_FORMAT) {
    throw new CaptureError(
      `${file}: capture format ${version} is newer than this Polylab reads (up to ${CAPTURE_FORMAT}); upgrade Polylab to replay it`,
    );
  }
  const parsed = CaptureHeaderSchema.safeParse(raw);
  if (!parsed.success)
    throw new CaptureError(`${file}:1: bad header: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

/** Streams the records of `capture` in batches, in file order. */
export async function* readCapture(capture: Capture, opts: ReadOptions): AsyncGenerator<CaptureRecord[]> {
  let bytesBefore = 0;
  for (const f of capture.files) {
    yield* readFile(f.path, opts, (n) => opts.onBytes?.(bytesBefore + n));
    bytesBefore += f.bytes;
    opts.onBytes?.(bytesBefore);
  }
}

/** Parses capture lines one by one (exported for benches and tools that hold lines in memory). */
export class CaptureLineParser {
  line = 0;
  constructor(
    private readonly file: string,
    private readonly opts: ReadOptions,
  ) {}

  /** Parses one line into `out` (a bad line is reported, or throws in strict mode). */
  parse(text: string, out: CaptureRecord[]): void {
    this.line += 1;
    if (this.line === 1 || text.length === 0) return;
    if (text.startsWith('{"raw":')) {
      if (this.opts.raw) this.parseRaw(text, out);
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return this.bad('not JSON');
    }
    const input = InputEventSchema.safeParse(value);
    if (input.success) {
      out.push(input.data);
      return;
    }
    const end = EndRecordSchema.safeParse(value);
    if (end.success) return this.opts.onEnd?.(end.data.end);
    const issue = input.error.issues[0];
    this.bad(`not a valid input event (${issue?.path.join('.') || 'event_type'}: ${issue?.message})`);
  }

  private parseRaw(text: string, out: CaptureRecord[]): void {
    let v: Partial<RawRecord> | null;
    try {
      v = JSON.parse(text) as Partial<RawRecord> | null;
    } catch {
      return this.bad('not JSON');
    }
    // Checked by hand, not by RawRecordSchema: this runs once per raw frame of a long capture.
    if (
      v === null ||
      typeof v.raw !== 'string' ||
      v.raw.length === 0 ||
      typeof v.data !== 'string' ||
      !Number.isInteger(v.ts) ||
      v.ts! < 0
    ) {
      return this.bad('not a valid raw record (needs "raw", "ts" and "data")');
    }
    if ((v.url !== undefined && typeof v.url !== 'string') || (v.status !== undefined && !Number.isInteger(v.status)))
      return this.bad('not a valid raw record (bad "url" or "status")');
    out.push(v as RawRecord);
  }

  bad(reason: string): void {
    const where = `${this.file}:${this.line}`;
    if (this.opts.strict) throw new CaptureError(`${where}: ${reason} (--strict stops here)`);
    this.opts.onBad?.(where, reason);
  }
}

async function* readFile(file: string, opts: ReadOptions, onBytes: (n: number) => void): AsyncGenerator<CaptureRecord[]> {
  const input = fs.createReadStream(file, { highWaterMark: 256 * 1024 });
  let consumed = 0;
  input.on('data', (c) => {
    consumed += c.length;
  });
  const gunzip = input.pipe(zlib.createGunzip({ finishFlush: zlib.constants.Z_SYNC_FLUSH }));
  const decoder = new StringDecoder('utf8');
  const parser = new CaptureLineParser(file, opts);
  let rest = '';
  try {
    for await (const chunk of gunzip) {
      const text = rest + decoder.write(chunk as Buffer);
      const out: CaptureRecord[] = [];
      let start = 0;
      for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
        parser.parse(text.slice(start, nl), out);
        start = nl + 1;
      }
      rest = text.slice(start);
      onBytes(consumed);
      if (out.length > 0) yield out;
    }
  } catch (err) {
    if (err instanceof CaptureError) throw err;
    // Corrupt compressed data: what came before it was delivered; the rest of the file is lost.
    parser.line += 1;
    parser.bad(`corrupt gzip data (${(err as Error).message}); the rest of this file is skipped`);
    input.destroy();
    return;
  }
  rest += decoder.end();
  if (rest.length > 0) {
    parser.line += 1;
    parser.bad('truncated last line (the writer was killed mid-line)');
  }
}
