// Goal: the journal writer loses nothing on a clean stop (close() writes the last partial batch, with or without endRun), hands events over every commit interval — its default, 100 ms — and cuts a backlog into batches of its default 500 events; each checked by reading the SQLite file back.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openJournalReadonly } from '../../src/journal/db.ts';
import { RUN, pnl } from './journal-harness.ts';
import { DEFAULT_COMMIT_MS, JournalWriter } from '../../src/journal/writer.ts';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'polylab-writer-'));

async function started(dataDir: string, opts: { commitMs?: number; maxBatch?: number } = {}): Promise<JournalWriter> {
  const w = await JournalWriter.start({ dataDir, ...opts });
  w.beginRun(RUN);
  return w;
}

/** The run's journaled events: seq and which event each was (10 000 less its cash). */
function journaled(dataDir: string): Array<[number, number]> {
  const db = openJournalReadonly(dataDir);
  try {
    const rows = db.prepare("SELECT seq, body FROM events WHERE run_id = 'r1' ORDER BY seq").all() as Array<{ seq: number; body: string }>;
    return rows.map((r) => [r.seq, 10_000 - (JSON.parse(r.body) as { cash: number }).cash]);
  } finally {
    db.close();
  }
}

const expected = (n: number) => Array.from({ length: n }, (_, k): [number, number] => [k, k]);

afterEach(() => {
  vi.useRealTimers();
});

describe('journal writer: the last batch', () => {
  it('close() writes the events still waiting, with no endRun and no timer tick before it', async () => {
    const dir = tmp();
    // A commit interval far longer than the test: only close() can hand these over.
    const w = await started(dir, { commitMs: 3_600_000 });
    for (let k = 0; k < 7; k++) w.sink(pnl(k));
    expect(w.stats.batches).toBe(0);
    await w.close();
    expect(journaled(dir)).toEqual(expected(7));
    expect(w.stats).toEqual({ events: 7, committed: 7, failed: 0, batches: 1 });
  });

  it('endRun then close() keeps the tail and marks the run stopped', async () => {
    const dir = tmp();
    const w = await started(dir, { commitMs: 3_600_000 });
    for (let k = 0; k < 3; k++) w.sink(pnl(k));
    w.endRun(2_000);
    await w.close();
    expect(journaled(dir)).toEqual(expected(3));
    const db = openJournalReadonly(dir);
    expect(db.prepare('SELECT status, stopped_ms FROM runs').all()).toEqual([{ status: 'stopped', stopped_ms: 2_000 }]);
    db.close();
  });
});

describe('journal writer: what it refuses', () => {
  it('takes no event before a run begins nor after close()', async () => {
    const dir = tmp();
    const w = await JournalWriter.start({ dataDir: dir, commitMs: 3_600_000 });
    w.sink(pnl(0));
    expect(w.stats.events).toBe(0);
    w.beginRun(RUN);
    w.sink(pnl(0));
    await w.close();
    w.sink(pnl(1));
    expect(w.stats).toEqual({ events: 1, committed: 1, failed: 0, batches: 1 });
    expect(journaled(dir)).toEqual(expected(1));
  });
});

describe('journal writer: its defaults', () => {
  it(`hands waiting events over every commit interval (default ${DEFAULT_COMMIT_MS} ms), at each tick, not every other one`, async () => {
    expect(DEFAULT_COMMIT_MS).toBe(100);
    // Only the writer's interval timer is faked: the worker thread and its replies stay real.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const dir = tmp();
    const w = await started(dir);
    for (let k = 0; k < 3; k++) w.sink(pnl(k));
    vi.advanceTimersByTime(99);
    expect(w.stats.batches).toBe(0);
    vi.advanceTimersByTime(1);
    expect(w.stats.batches).toBe(1);
    for (let k = 3; k < 5; k++) w.sink(pnl(k));
    vi.advanceTimersByTime(100);
    expect(w.stats.batches).toBe(2);
    // Nothing waiting: a tick hands over no empty batch.
    vi.advanceTimersByTime(100);
    expect(w.stats.batches).toBe(2);
    await w.drain();
    expect(w.stats.committed).toBe(5);
    await w.close();
    expect(journaled(dir)).toEqual(expected(5));
  });

  it('cuts a backlog into batches of 500 events by default, before any timer tick', async () => {
    const dir = tmp();
    const w = await started(dir, { commitMs: 3_600_000 });
    for (let k = 0; k < 499; k++) w.sink(pnl(k));
    expect(w.stats.batches).toBe(0);
    w.sink(pnl(499));
    expect(w.stats.batches).toBe(1);
    for (let k = 500; k < 1_250; k++) w.sink(pnl(k));
    expect(w.stats.batches).toBe(2);
    await w.close();
    expect(w.stats).toEqual({ events: 1_250, committed: 1_250, failed: 0, batches: 3 });
    expect(journaled(dir)).toEqual(expected(1_250));
  });
});
