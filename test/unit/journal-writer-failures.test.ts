// Goal: the journal writer's books stay exact when writing fails. A batch the disk refuses
// (SQLITE_FULL from a capped database) is reported once, every later event is counted as not
// journaled without being sent, the backlog and drain() see the failures as answered, and the
// run ends `incomplete` with the count and the first error; a writer thread that dies is said
// once and everything not committed counts as failed. Each figure is read exactly, and the
// SQLite file is read back.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import type { OutputEvent } from '../../src/core/outputs.ts';
import { openJournalReadonly } from '../../src/journal/db.ts';
import { RUN, pnl } from './journal-harness.ts';
import { getTrust } from '../../src/journal/queries.ts';
import { JournalWriter, type JournalWriterOptions } from '../../src/journal/writer.ts';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'polylab-writer-fail-'));

async function started(o: Omit<JournalWriterOptions, 'dataDir'>): Promise<{ w: JournalWriter; dir: string; errors: string[] }> {
  const dir = tmp();
  const errors: string[] = [];
  const w = await JournalWriter.start({ dataDir: dir, commitMs: 3_600_000, onError: (m) => errors.push(m), ...o });
  w.beginRun(RUN);
  return { w, dir, errors };
}

function readBack(dir: string): { events: number; lastSeq: number | null; run: unknown } {
  const db = openJournalReadonly(dir);
  try {
    const ev = db.prepare("SELECT count(*) AS n, max(seq) AS last FROM events WHERE run_id = 'r1'").get() as {
      n: number;
      last: number | null;
    };
    const run = db.prepare("SELECT status, stopped_ms, not_journaled, reason FROM runs WHERE run_id = 'r1'").get();
    return { events: ev.n, lastSeq: ev.last, run };
  } finally {
    db.close();
  }
}

describe('journal writer: backlog and drain', () => {
  it('counts events not yet committed as backlog, and drain(n) waits only while more than n wait', async () => {
    const { w, dir } = await started({ maxBatch: 50 });
    for (let k = 0; k < 120; k++) w.sink(pnl(k));
    // Two full batches handed over, 20 still waiting here; nothing answered yet (replies are messages).
    expect(w.stats).toEqual({ events: 120, committed: 0, failed: 0, batches: 2 });
    expect(w.backlog()).toBe(120);
    // Exactly at the bound: drain hands the rest over and returns without waiting for the disk.
    await w.drain(120);
    expect(w.stats).toEqual({ events: 120, committed: 0, failed: 0, batches: 3 });
    // One below it: it waits for commits until at most 119 are left.
    await w.drain(119);
    expect(w.stats.committed).toBeGreaterThan(0);
    expect(w.backlog()).toBe(120 - w.stats.committed);
    await w.drain();
    expect(w.stats).toEqual({ events: 120, committed: 120, failed: 0, batches: 3 });
    expect(w.backlog()).toBe(0);
    expect(await w.endRun(2_000)).toEqual({ runId: 'r1', stoppedMs: 2_000, status: 'stopped', reason: null });
    await w.close();
    expect(w.marked('r1')).toBe(true);
    expect(w.marked('r2')).toBe(false);
    expect(w.firstError).toBeNull();
    expect(readBack(dir)).toEqual({
      events: 120,
      lastSeq: 119,
      run: { status: 'stopped', stopped_ms: 2_000, not_journaled: null, reason: null },
    });
  });

  it("keeps a run's trust figures after its events, and none sent once the run has ended", async () => {
    const { w, dir, errors } = await started({});
    for (let k = 0; k < 3; k++) w.sink(pnl(k));
    w.saveTrust(5_000, { report: '{"fills":3}', range: '[]', strategies: '[]' });
    // saveTrust hands the waiting events over first, so the figures follow what they describe.
    expect(w.stats.batches).toBe(1);
    await w.endRun(6_000);
    // After the run: no run to attach figures to, nothing sent.
    w.saveTrust(7_000, { report: '{"fills":99}', range: '[]', strategies: '[]' });
    await w.close();
    expect(errors).toEqual([]);
    const db = openJournalReadonly(dir);
    expect(getTrust(db, 'r1')).toEqual({ ts_unix_ms: 5_000, report: '{"fills":3}', range: '[]', strategies: '[]' });
    expect(db.prepare('SELECT run_id FROM trust').all()).toEqual([{ run_id: 'r1' }]);
    db.close();
  });

  it('ends a run once: a second endRun has no run to end, and close() twice is one close', async () => {
    const { w, dir, errors } = await started({});
    w.sink(pnl(0));
    expect(await w.endRun(2_000)).toEqual({ runId: 'r1', stoppedMs: 2_000, status: 'stopped', reason: null });
    expect(await w.endRun(3_000, 'failed', 'late')).toBeNull();
    const closing = w.close();
    expect(w.close()).toBe(closing);
    await closing;
    expect(errors).toEqual([]);
    expect(readBack(dir).run).toEqual({ status: 'stopped', stopped_ms: 2_000, not_journaled: null, reason: null });
  });

  it('journals each event with its own type, time and market, whatever the batch it came in', async () => {
    const { w, dir } = await started({ maxBatch: 2 });
    const discovered = {
      event_type: 'market_discovered',
      market: { market_id: 'm-disc' },
      ts_unix_ms: 1_500,
    } as unknown as OutputEvent;
    const reject: OutputEvent = {
      event_type: 'risk_reject',
      reason: 'stale_feed',
      market_id: 'm-rej',
      intent_id: null,
      numbers: {},
      ts_unix_ms: 1_600,
    };
    for (const e of [pnl(0), discovered, reject, pnl(1), reject]) w.sink(e);
    await w.close();
    const db = openJournalReadonly(dir);
    expect(db.prepare('SELECT seq, event_type, ts_unix_ms, market_id FROM events ORDER BY seq').all()).toEqual([
      { seq: 0, event_type: 'pnl', ts_unix_ms: 1_000, market_id: null },
      { seq: 1, event_type: 'market_discovered', ts_unix_ms: 1_500, market_id: 'm-disc' },
      { seq: 2, event_type: 'risk_reject', ts_unix_ms: 1_600, market_id: 'm-rej' },
      { seq: 3, event_type: 'pnl', ts_unix_ms: 1_001, market_id: null },
      { seq: 4, event_type: 'risk_reject', ts_unix_ms: 1_600, market_id: 'm-rej' },
    ]);
    db.close();
  });
});

describe('journal writer: a batch the disk refuses', () => {
  it('reports the first failure once, counts every later event as failed without sending it, and ends the run incomplete', async () => {
    const { w, dir, errors } = await started({ maxPages: 40, maxBatch: 50 });
    for (let k = 0; k < 20_000; k++) w.sink(pnl(k));
    await w.drain();
    // Every batch was answered: committed or failed, none left waiting.
    expect(w.backlog()).toBe(0);
    expect(w.stats.events).toBe(20_000);
    expect(w.stats.batches).toBe(400);
    expect(w.stats.committed + w.stats.failed).toBe(20_000);
    expect(w.stats.committed).toBeGreaterThan(0);
    expect(w.stats.failed).toBeGreaterThan(0);
    // Said once: the batches already on their way are refused without a message of their own.
    expect(errors).toEqual(['database or disk is full']);
    expect(w.firstError).toBe('database or disk is full');
    const committed = w.stats.committed;
    // After the failure: counted, not sent (no new batch), so the journal stays an exact prefix.
    for (let k = 0; k < 7; k++) w.sink(pnl(20_000 + k));
    w.flush();
    expect(w.stats).toEqual({ events: 20_007, committed, failed: 20_007 - committed, batches: 400 });
    expect(w.backlog()).toBe(0);
    const end = await w.endRun(9_000, 'stopped', 'asked to stop');
    expect(end).toEqual({ runId: 'r1', stoppedMs: 9_000, status: 'incomplete', notJournaled: 20_007 - committed, reason: 'asked to stop' });
    await w.close();
    expect(w.marked('r1')).toBe(true);
    expect(readBack(dir)).toEqual({
      events: committed,
      lastSeq: committed - 1,
      run: { status: 'incomplete', stopped_ms: 9_000, not_journaled: 20_007 - committed, reason: 'asked to stop' },
    });
  });

  it("gives the first error as the incomplete run's reason when none is given", async () => {
    const { w } = await started({ maxPages: 40, maxBatch: 50 });
    for (let k = 0; k < 20_000; k++) w.sink(pnl(k));
    const end = await w.endRun(9_000);
    await w.close();
    expect(end).toMatchObject({ status: 'incomplete', notJournaled: w.stats.failed, reason: 'database or disk is full' });
    expect(w.stats.failed).toBeGreaterThan(0);
  });
});

describe('journal writer: a journal it cannot open, and failures nobody listens for', () => {
  it('start() rejects with the reason when the data directory cannot hold a journal', async () => {
    const file = path.join(tmp(), 'a-file');
    fs.writeFileSync(file, 'not a directory');
    await expect(JournalWriter.start({ dataDir: file })).rejects.toThrow(/ENOTDIR|not a directory|unable to open|directory/i);
  });

  it('counts a failed batch and keeps its first error with no onError given', async () => {
    const dir = tmp();
    const w = await JournalWriter.start({ dataDir: dir, commitMs: 3_600_000, maxPages: 40, maxBatch: 50 });
    w.beginRun(RUN);
    for (let k = 0; k < 20_000; k++) w.sink(pnl(k));
    await w.drain();
    expect(w.firstError).toBe('database or disk is full');
    expect(w.stats.failed).toBe(20_000 - w.stats.committed);
    await w.close();
  });
});

describe('journal writer: a writer thread that dies', () => {
  it('is said once, counts every event not committed as failed, and lets drain() and close() return', async () => {
    const { w, dir, errors } = await started({});
    for (let k = 0; k < 5; k++) w.sink(pnl(k));
    await w.drain();
    expect(w.stats).toEqual({ events: 5, committed: 5, failed: 0, batches: 1 });
    for (let k = 5; k < 8; k++) w.sink(pnl(k));
    // Nothing public can kill the thread; terminating it is what a crash inside it looks like from here.
    const worker = (w as unknown as { worker: Worker }).worker;
    const exited = new Promise<number>((r) => worker.once('exit', r));
    await worker.terminate();
    expect(await exited).toBe(1);
    expect(errors).toEqual(['journal writer thread exited (code 1); events are no longer journaled']);
    // The three given to the journal but never committed are failed; so is anything later.
    expect(w.stats).toEqual({ events: 8, committed: 5, failed: 3, batches: 1 });
    w.sink(pnl(8));
    expect(w.stats).toEqual({ events: 9, committed: 5, failed: 4, batches: 1 });
    expect(w.backlog()).toBe(0);
    const end = await w.endRun(3_000);
    expect(end).toEqual({
      runId: 'r1',
      stoppedMs: 3_000,
      status: 'incomplete',
      notJournaled: 4,
      reason: 'journal writer thread exited (code 1); events are no longer journaled',
    });
    await w.close();
    // The mark could not be written: the journal holds the committed prefix and the run as begun.
    expect(w.marked('r1')).toBe(false);
    expect(errors).toHaveLength(1);
    expect(readBack(dir)).toEqual({
      events: 5,
      lastSeq: 4,
      run: { status: 'running', stopped_ms: null, not_journaled: null, reason: null },
    });
  });

  it('after a clean close, the thread ending is no failure', async () => {
    const { w, errors } = await started({});
    w.sink(pnl(0));
    await w.endRun(2_000);
    await w.close();
    expect(errors).toEqual([]);
    expect(w.firstError).toBeNull();
    expect(w.stats).toEqual({ events: 1, committed: 1, failed: 0, batches: 1 });
  });
});
