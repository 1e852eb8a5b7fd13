/**
 * The real `polylab` process for the paper-live tests, and how the tests watch it: its
 * API over HTTP, its `/ws` stream (every event recorded), its output, its exit. Every
 * wait polls with a bound, so a broken lab fails a test instead of hanging it.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import WebSocket from 'ws';
import { BIN } from '../integration/fakes/cli.ts';

export interface SourceHealth {
  source: string;
  state: string;
  reason: string | null;
  messages: number;
  trades: number;
  parse_errors: number;
  reconnects: number;
  last_message_age_ms: number | null;
  next_retry_ms?: number | null;
  last_error?: string | null;
  counts?: Record<string, number>;
  /** Input time of the report this state comes from. */
  ts_unix_ms: number;
}

export interface Health {
  mode: string;
  sources: SourceHealth[];
  venues_contributing: number;
  /** The median behind `venues_contributing`: `age_ms` before the lab's latest event (`ts_unix_ms`). */
  reference: { age_ms: number | null };
  ts_unix_ms: number | null;
  polymarket_state: string | null;
  books_live: number;
  books: { market_id: string; token_id: string; live: boolean; age_ms: number | null }[];
}

/** An output event as the stream carries it (src/core/outputs.ts). */
export type Ev = Record<string, unknown> & { event_type: string };

/** Polls `fn` every `everyMs` until it returns a value (not null/undefined/false); throws `what` after `timeoutMs`. */
export async function poll<T>(
  what: string,
  fn: () => Promise<T | null | undefined | false> | T | null | undefined | false,
  timeoutMs: number,
  everyMs = 200,
): Promise<T> {
  const t0 = Date.now();
  let last: unknown = null;
  for (;;) {
    try {
      const v = await fn();
      if (v !== null && v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() - t0 > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms${last ? ` (last error: ${String(last)})` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export class LabProcess {
  stdout = '';
  stderr = '';
  readonly exited: Promise<number | null>;
  /** The API's base URL, once the process has printed it. */
  readonly api: Promise<string>;
  private readonly p: ChildProcess;

  constructor(args: string[], env: Record<string, string>) {
    this.p = spawn(process.execPath, [BIN, 'run', ...args], {
      env: { ...process.env, POLYLAB_LOG_LEVEL: 'warn', POLYLAB_PORT: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.exited = new Promise((r) => this.p.on('close', (code) => r(code)));
    this.p.stdout!.on('data', (d: Buffer) => (this.stdout += d.toString()));
    this.api = new Promise((resolve, reject) => {
      this.p.stderr!.on('data', (d: Buffer) => {
        this.stderr += d.toString();
        const m = /API on (http:\/\/\S+)/.exec(this.stderr);
        if (m) resolve(m[1]!);
      });
      void this.exited.then(() => reject(new Error(`polylab exited before serving its API: ${this.stderr.slice(-2000)}`)));
    });
  }

  get pid(): number {
    return this.p.pid!;
  }

  /** Whether the process is still running (it never crashed). */
  get running(): boolean {
    return this.p.exitCode === null && this.p.signalCode === null;
  }

  kill(signal: NodeJS.Signals): void {
    if (this.running) this.p.kill(signal);
  }

  async json<T>(path: string): Promise<T> {
    const r = await fetch(`${await this.api}${path}`);
    return (await r.json()) as T;
  }

  health(): Promise<Health> {
    return this.json<Health>('/feed/health');
  }

  async source(name: string): Promise<SourceHealth> {
    const s = (await this.health()).sources.find((x) => x.source === name);
    if (!s) throw new Error(`no source ${name} in /feed/health`);
    return s;
  }

  /** Every fill of the current run in the journal (`GET /fills`, all pages). */
  async journalFills(runId?: string): Promise<Ev[]> {
    const out: Ev[] = [];
    let before: string | null = null;
    for (;;) {
      const q: URLSearchParams = new URLSearchParams({ limit: '1000', ...(runId ? { run_id: runId } : {}), ...(before ? { before } : {}) });
      const page: { fills: Ev[]; next_before: string | number | null } = await this.json<{
        fills: Ev[];
        next_before: string | number | null;
      }>(`/fills?${q}`);
      out.push(...page.fills);
      if (page.next_before === null || page.fills.length === 0) return out;
      before = String(page.next_before);
    }
  }
}

/** A `/ws` client recording every event the lab streams. */
export class LabStream {
  readonly events: Ev[] = [];
  private readonly ws: WebSocket;
  readonly opened: Promise<void>;

  constructor(apiUrl: string) {
    this.ws = new WebSocket(`${apiUrl.replace(/^http/, 'ws')}/ws`);
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
    this.ws.on('message', (d) => this.events.push(JSON.parse(d.toString()) as Ev));
    this.ws.on('error', () => undefined);
  }

  of(type: string): Ev[] {
    return this.events.filter((e) => e.event_type === type);
  }

  close(): void {
    this.ws.close();
  }
}

/** Runs a `polylab` command (report, runs, replay) to its end. */
export function polylab(
  args: string[],
  env: Record<string, string>,
  timeoutMs = 60_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { env: { ...process.env, POLYLAB_LOG_LEVEL: 'warn', ...env }, timeout: timeoutMs, maxBuffer: 64 << 20 },
      (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : null) : 0, stdout, stderr });
      },
    );
  });
}

export const digestOf = (stdout: string): string | undefined => /digest\s+([0-9a-f]{64})/.exec(stdout)?.[1];
