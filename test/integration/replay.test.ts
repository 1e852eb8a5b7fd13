// Goal: a sim run's capture replays to exactly the same output events (digest and journal), and the reader reports bad and truncated lines with file:line, stops on them with --strict, and refuses a newer format.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { BIN, runCli, tempDataDir } from './fakes/cli.ts';
import { until } from './fakes/kit.ts';

const digestOf = (stdout: string) => /digest\s+([0-9a-f]{64})/.exec(stdout)?.[1];

function bodies(dataDir: string, runId: string): string[] {
  const db = new Database(`${dataDir}/polylab.db`, { readonly: true });
  try {
    const rows = db
      .prepare("SELECT body FROM events WHERE run_id = ? AND event_type NOT IN ('run_started', 'run_stopped') ORDER BY id")
      .all(runId) as Array<{ body: string }>;
    return rows.map((r) => r.body);
  } finally {
    db.close();
  }
}

const gunzipLines = (file: string) => zlib.gunzipSync(fs.readFileSync(file)).toString('utf8').split('\n');
const gzipLines = (file: string, lines: string[]) => fs.writeFileSync(file, zlib.gzipSync(lines.join('\n')));

describe('capture and replay', () => {
  const data = tempDataDir();
  const capture = tempDataDir('polylab-capture-');
  let sim: Awaited<ReturnType<typeof runCli>>;
  let files: string[];

  beforeAll(async () => {
    sim = await runCli(['run', '--mode', 'sim', '--seed', '11', '--duration', '75m', '--capture', capture], { POLYLAB_DATA_DIR: data });
    files = fs
      .readdirSync(capture)
      .sort()
      .map((f) => path.join(capture, f));
  }, 60_000);

  it('writes hourly gzip JSONL files, each starting with a header', () => {
    expect(sim.code).toBe(0);
    expect(files.map((f) => path.basename(f))).toEqual(['sim-11.20260101T00Z.jsonl.gz', 'sim-11.20260101T01Z.jsonl.gz']);
    const [first, second] = files.map((f) => JSON.parse(gunzipLines(f)[0]!));
    expect(first).toMatchObject({
      polylab_capture: 1,
      run_id: 'sim-11',
      mode: 'sim',
      sources: ['sim'],
      file_index: 0,
      seed: 11,
      settings: { strategy: 'divergence', seed: 11 },
    });
    expect(second).toMatchObject({ file_index: 1, hour_start_ms: Date.UTC(2026, 0, 1, 1) });
    const lastLines = gunzipLines(files[1]!).filter(Boolean);
    expect(JSON.parse(lastLines.at(-1)!)).toMatchObject({ end: { dropped: 0 } });
  });

  it('replays to the same output events: same digest, same journal rows', async () => {
    const r = await runCli(['replay', capture], { POLYLAB_DATA_DIR: data });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Polylab run replay-sim-11');
    expect(digestOf(r.stdout)).toBeDefined();
    expect(digestOf(r.stdout)).toBe(digestOf(sim.stdout));
    const original = bodies(data, 'sim-11');
    expect(original.some((b) => b.includes('"paper_fill"'))).toBe(true);
    expect(bodies(data, 'replay-sim-11')).toEqual(original);
  }, 60_000);

  it('replays with another strategy to different events', async () => {
    const r = await runCli(['replay', capture, '--strategy', 'fair-value'], { POLYLAB_DATA_DIR: data });
    expect(r.code).toBe(0);
    expect(digestOf(r.stdout)).not.toBe(digestOf(sim.stdout));
  }, 60_000);

  it('reports a bad line and a truncated last line with file and line, skips them, and stops on them with --strict', async () => {
    const dir = tempDataDir('polylab-damaged-');
    const file = path.join(dir, path.basename(files[0]!));
    const lines = gunzipLines(files[0]!);
    lines.splice(5, 0, '{"event_type":"venue_trade","px":"oops"}');
    // A killed writer leaves its last line half-written.
    gzipLines(file, [...lines.slice(0, 200), lines[200]!.slice(0, 30)]);
    const r = await runCli(['replay', file], { POLYLAB_DATA_DIR: data });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`${file}:6: not a valid input event`);
    expect(r.stderr).toContain(`${file}:201: truncated last line`);
    expect(r.stdout).toMatch(/bad lines\s+2/);
    const strict = await runCli(['replay', file, '--strict'], { POLYLAB_DATA_DIR: data });
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain(`${file}:6: not a valid input event`);
    expect(strict.stderr).toContain('--strict');
  }, 60_000);

  it('refuses a capture of a newer format with a clear message', async () => {
    const dir = tempDataDir('polylab-future-');
    const lines = gunzipLines(files[1]!);
    lines[0] = JSON.stringify({ ...JSON.parse(lines[0]!), polylab_capture: 99 });
    gzipLines(path.join(dir, 'future.jsonl.gz'), lines);
    const r = await runCli(['replay', dir], { POLYLAB_DATA_DIR: data });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/capture format 99 is newer than this Polylab reads \(up to 1\)/);
  });

  it('replays the capture of a run that continued a crashed one from the same account', async () => {
    const dir = tempDataDir();
    const cap = tempDataDir('polylab-capture-');
    const dying = spawn(process.execPath, [BIN, 'run', '--mode', 'sim', '--duration', '24h', '--port', '0'], {
      env: { ...process.env, POLYLAB_LOG_LEVEL: 'warn', POLYLAB_DATA_DIR: dir },
      stdio: 'ignore',
    });
    const died = new Promise((r) => dying.on('exit', r));
    const fills = () => {
      try {
        const db = new Database(`${dir}/polylab.db`, { readonly: true, fileMustExist: true });
        try {
          return (db.prepare('SELECT count(*) AS n FROM fills').get() as { n: number }).n;
        } finally {
          db.close();
        }
      } catch {
        return 0;
      }
    };
    await until(() => fills() >= 100, 60_000);
    dying.kill('SIGKILL');
    await died;
    const restored = await runCli(['run', '--mode', 'sim', '--duration', '20m', '--capture', cap], { POLYLAB_DATA_DIR: dir });
    expect(restored.code).toBe(0);
    expect(restored.stderr).toContain('run sim-7 did not stop cleanly');
    const header = JSON.parse(gunzipLines(path.join(cap, fs.readdirSync(cap)[0]!))[0]!) as {
      restore: { from_run_id: string; cash: number } | null;
    };
    expect(header.restore).toMatchObject({ from_run_id: 'sim-7' });
    expect(header.restore!.cash).not.toBe(10_000);
    const replayed = await runCli(['replay', cap], { POLYLAB_DATA_DIR: dir });
    expect(replayed.code).toBe(0);
    expect(digestOf(replayed.stdout)).toBe(digestOf(restored.stdout));
    expect(/realized PnL.*/.exec(replayed.stdout)![0]).toBe(/realized PnL.*/.exec(restored.stdout)![0]);
  }, 90_000);
});
