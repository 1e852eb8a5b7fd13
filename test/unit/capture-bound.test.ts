// Goal: a live capture that outpaces the compressor holds at most its default 64 MiB waiting, by behaviour with nothing passed in: lines of exactly 1 MiB are kept up to that bound and the next one is dropped and counted.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CaptureWriter } from '../../src/capture/writer.ts';

const MiB = 1024 * 1024;
const T0 = Date.UTC(2026, 11, 6, 14);

describe('capture writer: pending bytes at the default bound', () => {
  it('keeps 64 lines of 1 MiB written in one synchronous burst and drops the 65th', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'polylab-capture-bound-'));
    const w = new CaptureWriter({
      dir,
      identity: {
        run_id: 'r1',
        mode: 'paper-live',
        code_version: 'test',
        created_wall_ms: T0,
        sources: ['x'],
        settings: {},
        start_ms: T0,
        seed: null,
        restore: null,
      },
    });
    // Each raw line, newline included, is exactly 1 MiB; the file's header comes first, so
    // after 64 lines more than 64 MiB wait: the compressor cannot run inside this loop.
    const overhead = JSON.stringify({ raw: 'x', ts: T0, data: '' }).length + 1;
    const data = 'a'.repeat(MiB - overhead);
    for (let k = 0; k < 64; k++) w.raw('x', T0, data);
    expect(w.stats).toMatchObject({ raw: 64, dropped: 0 });
    expect(w.pending()).toBeGreaterThan(64 * MiB);
    expect(w.pending()).toBeLessThan(64 * MiB + 4_096);
    w.raw('x', T0, data);
    expect(w.stats).toMatchObject({ raw: 64, dropped: 1 });
    await w.close({ ts_unix_ms: T0 + 1 });
    fs.rmSync(dir, { recursive: true, force: true });
  }, 60_000);
});
