// Goal: with a journal, /runs lists every run in the data dir and /fills, /rejects, /settlements and /equity page through a whole run (beyond the in-memory window) by cursor, for any run_id; without one, the journal-only routes say so.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../src/app/config.ts';
import type { OutputEvent } from '../../src/core/outputs.ts';
import { SIM_START_MS, SimFeed } from '../../src/sim/sim.ts';
import { buildEngine } from '../../src/app/engineFactory.ts';
import { createApiParts } from '../../src/api/start.ts';
import { buildApi } from '../../src/api/server.ts';
import {
  EquityResponseSchema,
  HistoryFillsResponseSchema,
  HistoryRejectsResponseSchema,
  HistoryRunsResponseSchema,
  SettlementsResponseSchema,
} from '../../src/api/journalRoutes.ts';
import { openJournalReadonly, type Db } from '../../src/journal/db.ts';
import { JournalWriter } from '../../src/journal/writer.ts';
import { tempDataDir } from './fakes/cli.ts';

/** Runs a seeded sim for `hours` into the journal (and `extra` sinks); returns the engine's counters. */
async function journaledRun(
  dataDir: string,
  runId: string,
  seed: number,
  hours: number,
  extra: (e: OutputEvent) => void = () => undefined,
) {
  const journal = await JournalWriter.start({ dataDir, commitMs: 20 });
  journal.beginRun({
    run_id: runId,
    mode: 'sim',
    seed,
    strategy: 'divergence',
    version: 'test',
    config: '{}',
    started_ms: SIM_START_MS,
    started_wall_ms: Date.now(),
    pid: null,
    parent_run_id: null,
    restored: null,
    replay_of: null,
    capture_dir: null,
  });
  // The noisy sim market trades every few seconds: enough fills to page past the in-memory window.
  const engine = buildEngine(loadConfig({ POLYLAB_MODE: 'sim', POLYLAB_SIM_MARKET: 'noisy' }), 'sim', runId, seed);
  const sink = (e: OutputEvent) => {
    journal.sink(e);
    extra(e);
  };
  for (const e of engine.start(SIM_START_MS)) sink(e);
  let last = SIM_START_MS;
  for (const input of new SimFeed({ seed, market: 'noisy' }).events()) {
    if (input.ts_unix_ms - SIM_START_MS > hours * 3_600_000) break;
    last = input.ts_unix_ms;
    for (const e of engine.step(input)) sink(e);
  }
  for (const e of engine.stop(last)) sink(e);
  journal.endRun(last);
  await journal.close();
  return engine.counters;
}

describe('API from the journal', () => {
  const dataDir = tempDataDir();
  let app: FastifyInstance;
  let db: Db;
  let counters: Awaited<ReturnType<typeof journaledRun>>;
  let other: Awaited<ReturnType<typeof journaledRun>>;
  const get = async (url: string) => {
    const r = await app.inject({ method: 'GET', url });
    return { status: r.statusCode, body: r.json() as unknown };
  };

  beforeAll(async () => {
    other = await journaledRun(dataDir, 'older-run', 3, 1);
    const parts = createApiParts({ mode: 'sim', wsMaxRateHz: 4, wsMaxBufferBytes: 1 << 20, recentMax: 1000 });
    // The current run also feeds the API's in-memory state, as in `polylab run`.
    counters = await journaledRun(dataDir, 'current-run', 7, 6, parts.sink);
    db = openJournalReadonly(dataDir);
    app = await buildApi({ ...parts, journal: db });
  }, 60_000);
  afterAll(async () => {
    await app.close();
    db.close();
  });

  it('lists every run in the data dir', async () => {
    const runs = HistoryRunsResponseSchema.parse((await get('/runs')).body).runs;
    expect(runs.map((r) => [r.run_id, r.current, r.status, r.fills])).toEqual([
      ['older-run', false, 'stopped', other.fills],
      ['current-run', true, 'stopped', counters.fills],
    ]);
  });

  it('pages through every fill of the current run, past the in-memory window', async () => {
    expect(counters.fills).toBeGreaterThan(1000);
    const seen: string[] = [];
    let before: number | null = null;
    let pages = 0;
    do {
      const body = HistoryFillsResponseSchema.parse((await get(`/fills?limit=400${before === null ? '' : `&before=${before}`}`)).body);
      expect(body.total).toBe(counters.fills);
      expect(body.run_id).toBe('current-run');
      seen.push(...body.fills.map((f) => f.fill_id));
      before = body.next_before;
      pages += 1;
    } while (before !== null && pages < 20);
    expect(seen).toHaveLength(counters.fills);
    expect(new Set(seen).size).toBe(counters.fills);
  });

  it('serves another run by run_id, and refuses an unknown one or a bad cursor', async () => {
    const body = HistoryFillsResponseSchema.parse((await get('/fills?run_id=older-run&limit=1000')).body);
    expect(body.fills).toHaveLength(other.fills);
    expect(body.next_before).toBeNull();
    expect((await get('/fills?run_id=nope')).status).toBe(404);
    const bad = await get('/fills?before=abc');
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: { code: 'BAD_REQUEST', field: 'before' } });
  });

  it('serves settlements, rejects by reason and the equity curve of the run', async () => {
    const s = SettlementsResponseSchema.parse((await get('/settlements?limit=1000')).body);
    expect(s.settlements).toHaveLength(counters.settlements);
    expect(s.total).toBe(counters.settlements);
    const r = HistoryRejectsResponseSchema.parse((await get('/rejects?limit=5')).body);
    expect(r.rejects).toHaveLength(5);
    expect(r.total).toBe(counters.rejects);
    expect(Object.values(r.by_reason).reduce((a, b) => a + b, 0)).toBe(counters.rejects);
    const eq = EquityResponseSchema.parse((await get('/equity?limit=5')).body);
    expect(eq.equity).toHaveLength(5);
    expect(eq.equity[0]!.ts_unix_ms).toBeGreaterThanOrEqual(eq.equity[4]!.ts_unix_ms);
    const next = EquityResponseSchema.parse((await get(`/equity?limit=5&before=${eq.next_before}`)).body);
    expect(next.equity[0]!.ts_unix_ms).toBeLessThanOrEqual(eq.equity[4]!.ts_unix_ms);
  });

  it('says the journal-only routes need a journal when there is none', async () => {
    const bare = await buildApi({ ...createApiParts({ mode: 'sim', wsMaxRateHz: 4, wsMaxBufferBytes: 1 << 20 }) });
    const r = await bare.inject({ method: 'GET', url: '/settlements' });
    expect(r.statusCode).toBe(503);
    expect(r.json()).toMatchObject({ error: { code: 'NOT_READY' } });
    await bare.close();
  });
});
