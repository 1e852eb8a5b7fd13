// Goal: a paper-live capture against loopback fakes holds every raw frame and body with its source, and replays — from its normalized inputs, and with --raw re-parsed from its frames — to the live run's exact output events.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, runCli, tempDataDir } from './fakes/cli.ts';
import { until } from './fakes/kit.ts';
import { startLiveFakes, type LiveFakes } from './fakes/liveLab.ts';

const digestOf = (stdout: string) => /digest\s+([0-9a-f]{64})/.exec(stdout)?.[1];

describe('paper-live capture and raw replay', () => {
  let fakes: LiveFakes;
  const data = tempDataDir();
  const capture = tempDataDir('polylab-capture-');
  const live = { code: null as number | null, stdout: '' };
  let lines: string[] = [];

  beforeAll(async () => {
    fakes = await startLiveFakes();
    const p = spawn(process.execPath, [BIN, 'run', '--capture', capture], {
      env: { ...process.env, ...fakes.env, POLYLAB_LOG_LEVEL: 'warn', POLYLAB_PORT: '0', POLYLAB_DATA_DIR: data },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    p.stdout.on('data', (d) => (live.stdout += d));
    let stderr = '';
    p.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((r) => p.on('close', r));
    // Until discovery, books and a median are in (ready) and every source has reported live,
    // however long that takes on a busy machine; then a clean stop.
    await until(() => /API on (http:\S+)/.test(stderr), 30_000);
    const api = /API on (http:\S+)/.exec(stderr)![1]!;
    const ready = async () => {
      if ((await fetch(`${api}/readyz`)).status !== 200) return false;
      const health = (await (await fetch(`${api}/feed/health`)).json()) as { sources: Array<{ source: string; state: string }> };
      return ['coinbase', 'kraken', 'okx', 'rtds', 'gamma'].every((s) => health.sources.some((x) => x.source === s && x.state === 'live'));
    };
    const t0 = Date.now();
    while (!(await ready())) {
      if (Date.now() - t0 > 40_000) throw new Error(`paper-live lab not ready in 40 s: ${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    p.kill('SIGTERM');
    live.code = await exited;
    lines = fs.readdirSync(capture).flatMap((f) =>
      zlib
        .gunzipSync(fs.readFileSync(path.join(capture, f)))
        .toString('utf8')
        .split('\n')
        .filter(Boolean),
    );
  }, 90_000);
  afterAll(() => fakes.close());

  it('captures normalized inputs and the raw frames of every source', () => {
    expect(live.code).toBe(0);
    const header = JSON.parse(lines[0]!) as { mode: string; sources: string[] };
    expect(header).toMatchObject({
      mode: 'paper-live',
      sources: ['coinbase', 'kraken', 'okx', 'polymarket_ws', 'rtds', 'gamma', 'clob_rest'],
    });
    const raws = lines
      .filter((l) => l.startsWith('{"raw":'))
      .map((l) => JSON.parse(l) as { raw: string; data: string; url?: string; status?: number });
    const sources = new Set(raws.map((r) => r.raw));
    for (const s of ['coinbase', 'kraken', 'okx', 'polymarket_ws#0', 'rtds', 'gamma']) expect(sources, s).toContain(s);
    expect(raws.find((r) => r.raw === 'gamma')).toMatchObject({ status: 200, url: expect.stringMatching(/^\/events\/keyset\?/) });
    const inputs = lines.filter((l) => l.startsWith('{"event_type"')).map((l) => (JSON.parse(l) as { event_type: string }).event_type);
    for (const t of ['venue_trade', 'book_snapshot', 'reference_price', 'market_discovered', 'timer', 'venue_status'])
      expect(inputs, t).toContain(t);
  });

  it("replays the normalized inputs to the live run's digest", async () => {
    const r = await runCli(['replay', capture], { POLYLAB_DATA_DIR: data });
    expect(r.code).toBe(0);
    expect(digestOf(r.stdout)).toBe(digestOf(live.stdout));
  }, 30_000);

  it('replays the raw frames, re-parsed, to the same digest', async () => {
    const r = await runCli(['replay', capture, '--raw'], { POLYLAB_DATA_DIR: data });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/medians\s+[1-9]/);
    expect(r.stdout).toMatch(/raw frames\s+[1-9]\d* re-parsed/);
    expect(digestOf(r.stdout)).toBe(digestOf(live.stdout));
  }, 30_000);

  it('takes trades from the frames under --raw: without its raw lines the capture gives no median', async () => {
    const dir = tempDataDir('polylab-noraw-');
    for (const f of fs.readdirSync(capture)) {
      const kept = zlib
        .gunzipSync(fs.readFileSync(path.join(capture, f)))
        .toString('utf8')
        .split('\n')
        .filter((l) => !l.startsWith('{"raw":'));
      fs.writeFileSync(path.join(dir, f), zlib.gzipSync(kept.join('\n')));
    }
    const raw = await runCli(['replay', dir, '--raw'], { POLYLAB_DATA_DIR: data });
    expect(raw.code).toBe(0);
    expect(raw.stdout).toMatch(/medians\s+0\n/);
    const normalized = await runCli(['replay', dir], { POLYLAB_DATA_DIR: data });
    expect(digestOf(normalized.stdout)).toBe(digestOf(live.stdout));
  }, 30_000);
});
