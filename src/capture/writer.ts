/**
 * Capture writer: every normalized input the engine receives and every raw frame / HTTP
 * body the edges receive, as gzip JSON Lines in hourly files (src/capture/format.ts). Writing
 * never blocks the engine: lines are buffered and compressed off the main thread (zlib's
 * thread pool); `drain()` lets a max-speed run wait, and a live run that outpaces the disk
 * by more than `maxPendingBytes` drops lines and counts them (said in the end record).
 * The stream is flushed every `flushMs` so a killed process loses at most that much.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { once } from 'node:events';
import type { InputEvent } from '../core/events.ts';
import type { RawTap } from './format.ts';
import { CAPTURE_FORMAT, captureFileName, HOUR_MS, type CaptureHeader, type EndRecord } from './format.ts';

export type CaptureIdentity = Omit<CaptureHeader, 'polylab_capture' | 'file_index' | 'hour_start_ms'>;

export interface CaptureWriterOptions {
  dir: string;
  identity: CaptureIdentity;
  flushMs?: number;
  /** Bytes waiting for the compressor before new lines are dropped (live runs). */
  maxPendingBytes?: number;
  /** gzip level 1-9 (default 1: fast; captures are written while the lab runs). */
  level?: number;
  onError?: (err: Error) => void;
}

export interface CaptureStats {
  inputs: number;
  raw: number;
  dropped: number;
  files: string[];
}

const CHUNK_CHARS = 256 * 1024;

export class CaptureWriter {
  private gzip: zlib.Gzip | null = null;
  private file: fs.WriteStream | null = null;
  private hour = -1;
  private fileIndex = 0;
  private buf: string[] = [];
  private bufChars = 0;
  private readonly timer: NodeJS.Timeout;
  private closed = false;
  private failed = false;
  /** Files being finished after a rotation: close() waits for them too. */
  private readonly finishing: Promise<void>[] = [];
  readonly stats: CaptureStats = { inputs: 0, raw: 0, dropped: 0, files: [] };

  constructor(private readonly opts: CaptureWriterOptions) {
    fs.mkdirSync(opts.dir, { recursive: true });
    this.timer = setInterval(() => this.flush(true), opts.flushMs ?? 1_000);
    this.timer.unref();
  }

  /** Records one normalized input, before the engine steps on it. */
  readonly input = (e: InputEvent): void => {
    if (this.accept(e.ts_unix_ms)) {
      this.stats.inputs += 1;
      this.push(JSON.stringify(e));
    }
  };

  /** Records one raw frame or HTTP body as received. */
  readonly raw: RawTap = (source, recvMs, data, http) => {
    if (!this.accept(recvMs)) return;
    this.stats.raw += 1;
    const rec = http ? { raw: source, ts: recvMs, data, url: http.url, status: http.status } : { raw: source, ts: recvMs, data };
    this.push(JSON.stringify(rec));
  };

  /** Bytes buffered or waiting for the compressor. */
  pending(): number {
    return this.bufChars + (this.gzip?.writableLength ?? 0);
  }

  /** Waits until the compressor has caught up to `maxBytes` (for max-speed runs). */
  async drain(maxBytes = 8 * 1024 * 1024): Promise<void> {
    this.flush(false);
    while (this.gzip && !this.failed && this.gzip.writableLength > maxBytes) await once(this.gzip, 'drain');
  }

  /** Writes the end record and closes the last file. */
  async close(end: { ts_unix_ms: number }): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    if (this.gzip) {
      const rec: EndRecord = { ts_unix_ms: end.ts_unix_ms, inputs: this.stats.inputs, raw: this.stats.raw, dropped: this.stats.dropped };
      this.push(JSON.stringify({ end: rec }));
      this.flush(false);
      this.finishing.push(this.finish());
    }
    await Promise.all(this.finishing);
  }

  private accept(tsMs: number): boolean {
    if (this.closed || this.failed) return false;
    if (this.pending() > (this.opts.maxPendingBytes ?? 64 * 1024 * 1024)) {
      this.stats.dropped += 1;
      return false;
    }
    const hour = Math.floor(tsMs / HOUR_MS) * HOUR_MS;
    if (hour > this.hour) this.rotate(hour);
    return !this.failed;
  }

  private push(line: string): void {
    this.buf.push(line);
    this.bufChars += line.length + 1;
    if (this.bufChars >= CHUNK_CHARS) this.flush(false);
  }

  private flush(sync: boolean): void {
    if (!this.gzip) return;
    if (this.buf.length > 0) {
      this.gzip.write(`${this.buf.join('\n')}\n`);
      this.buf = [];
      this.bufChars = 0;
    }
    // A sync flush ends a deflate block: what is written so far can be read back after a crash.
    if (sync) this.gzip.flush(zlib.constants.Z_SYNC_FLUSH);
  }

  private rotate(hour: number): void {
    if (this.gzip) {
      this.flush(false);
      this.finishing.push(this.finish());
      this.fileIndex += 1;
    }
    this.hour = hour;
    const name = path.join(this.opts.dir, captureFileName(this.opts.identity.run_id, hour));
    const file = fs.createWriteStream(name, { flags: 'wx' });
    const gzip = zlib.createGzip({ level: this.opts.level ?? 1 });
    const fail = (err: Error) => {
      if (this.failed) return;
      this.failed = true;
      this.opts.onError?.(err);
    };
    file.on('error', fail);
    gzip.on('error', fail);
    gzip.pipe(file);
    this.gzip = gzip;
    this.file = file;
    this.stats.files.push(name);
    const header: CaptureHeader = {
      polylab_capture: CAPTURE_FORMAT,
      ...this.opts.identity,
      file_index: this.fileIndex,
      hour_start_ms: hour,
    };
    this.push(JSON.stringify(header));
  }

  private async finish(): Promise<void> {
    const gzip = this.gzip;
    const file = this.file;
    this.gzip = null;
    this.file = null;
    if (!gzip || !file) return;
    gzip.end();
    if (!file.closed && !this.failed) await once(file, 'close').catch(() => undefined);
  }
}
