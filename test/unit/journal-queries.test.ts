// Goal: the journal's read queries (what `polylab runs`, `report` and the API show) give exact
// answers over a journal the store wrote (in this process, as the writer thread does): runs in
// start order with their counts and last equity, the typed tables (fills, positions cleared by
// a settlement, settlements, equity), pages of events newest first with a cursor and a market
// filter, refusals by reason with the repeats inside episodes, and every event in emission order.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { OutputEvent } from '../../src/core/outputs.ts';
import { openJournalDb, openJournalReadonly, type Db } from '../../src/journal/db.ts';
import { JournalStore, type EventMeta } from '../../src/journal/store.ts';
import {
  countEvents,
  equityCurve,
  eventsPage,
  getRun,
  iterateEvents,
  lastRun,
  listRuns,
  rejectOccurrencesByReason,
  rejectsByReason,
  runEvents,
} from '../../src/journal/queries.ts';

const pnl = (ts: number, equity: number): OutputEvent => ({
  event_type: 'pnl',
  cash: equity,
  equity,
  realized: equity - 1_000,
  unrealized: 0,
  fees: 0.5,
  position_value: 0,
  ts_unix_ms: ts,
});
const reject = (ts: number, reason: string, market: string | null): OutputEvent => ({
  event_type: 'risk_reject',
  reason,
  market_id: market,
  intent_id: null,
  numbers: {},
  ts_unix_ms: ts,
});
const episodeEnded = (ts: number, reason: string, occurrences: number): OutputEvent => ({
  event_type: 'reject_episode_ended',
  episode_id: `e${ts}`,
  reason,
  market_id: null,
  occurrences,
  first_ts_ms: ts - 10,
  last_ts_ms: ts,
  last_numbers: {},
  ts_unix_ms: ts,
});

const run = (run_id: string, started_ms: number) => ({
  run_id,
  mode: 'sim',
  seed: 1,
  strategy: 'divergence',
  version: 'test',
  config: '{}',
  started_ms,
  started_wall_ms: started_ms,
  pid: null,
  parent_run_id: null,
  restored: null,
  replay_of: null,
  capture_dir: null,
});

const fill = (ts: number, side: 'buy' | 'sell', qty: number): OutputEvent =>
  ({
    event_type: 'paper_fill',
    fill_id: `f${ts}`,
    intent_id: `i${ts}`,
    market_id: 'm1',
    token_id: 't-up',
    outcome: 'Up',
    side,
    qty,
    fill_px: 0.5,
    fee: 0.01,
    liquidity: 'taker',
    requested_qty: qty,
    levels_consumed: 1,
    ts_unix_ms: ts,
  }) as unknown as OutputEvent;
const position = (ts: number, market: string, qty: number): OutputEvent => ({
  event_type: 'position',
  market_id: market,
  token_id: `t-${market}`,
  outcome: 'Up',
  qty,
  avg_cost: 0.5,
  ts_unix_ms: ts,
});
const settlement = (ts: number): OutputEvent =>
  ({
    event_type: 'settlement',
    market_id: 'm1',
    winning_token_id: 't-up',
    winning_outcome: 'Up',
    source: 'official',
    payout: 10,
    realized_pnl: 5,
    ts_unix_ms: ts,
  }) as unknown as OutputEvent;

/** What the writer sends with each batch: each event's type, time and market. */
function batch(events: OutputEvent[]): [string[], EventMeta] {
  return [
    events.map((e) => JSON.stringify(e)),
    {
      types: events.map((e) => e.event_type),
      ts: events.map((e) => e.ts_unix_ms),
      markets: events.map((e) => ('market_id' in e ? e.market_id : null)),
    },
  ];
}

const opened: Db[] = [];

/**
 * The journal every test reads, written afresh inside the test (not in a hook) so that
 * mutation testing, which counts coverage per test, sees the store's code run by these tests.
 */
function written(): Db {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'polylab-queries-'));
  const rw = openJournalDb(dir);
  const store = new JournalStore(rw);
  // Run "b" starts first: runs are listed in the order they began, not by name.
  store.insertRun(run('b', 100));
  const b = [
    pnl(110, 1_000),
    reject(120, 'stale_feed', 'm1'),
    reject(130, 'max_exposure', 'm2'),
    reject(140, 'stale_feed', 'm2'),
    episodeEnded(150, 'stale_feed', 4),
    episodeEnded(160, 'cooldown', 3),
    pnl(170, 1_010),
    reject(180, 'stale_feed', 'm1'),
    pnl(190, 1_020.5),
  ];
  store.insertBatch('b', 0, ...batch(b.slice(0, 4)));
  store.insertBatch('b', 4, ...batch(b.slice(4)));
  store.stopRun({ runId: 'b', stoppedMs: 200, status: 'stopped', reason: null });
  store.insertRun(run('a', 300));
  store.insertBatch(
    'a',
    0,
    ...batch([
      reject(310, 'stale_feed', 'm1'),
      fill(320, 'buy', 10),
      position(320, 'm1', 10),
      position(325, 'm2', 4),
      fill(330, 'sell', 2),
      position(330, 'm1', 8),
      settlement(340),
    ]),
  );
  store.noteMissing('a', 3);
  store.noteMissing('a', 2);
  // Run "c": a settlement that corrects an earlier one, an equity point holding positions, an incomplete end.
  store.insertRun(run('c', 400));
  store.insertBatch(
    'c',
    7,
    ...batch([
      { ...settlement(410), corrects_outcome: 'Down', pnl_adjustment: -3 } as unknown as OutputEvent,
      { ...pnl(420, 990), position_value: 12.5 } as OutputEvent,
    ]),
  );
  store.stopRun({ runId: 'c', stoppedMs: 430, status: 'incomplete', notJournaled: 2, reason: 'disk full' });
  rw.close();
  const db = openJournalReadonly(dir);
  opened.push(db);
  return db;
}

afterEach(() => {
  while (opened.length) opened.pop()!.close();
});

describe('journal queries', () => {
  it('lists runs in start order with their counts and last equity point', () => {
    const db = written();
    const runs = listRuns(db);
    expect(runs.map((r) => [r.run_id, r.status, r.fills, r.rejects, r.settlements, r.equity, r.realized, r.fees])).toEqual([
      ['b', 'stopped', 0, 4, 0, 1_020.5, 20.5, 0.5],
      ['a', 'running', 2, 1, 1, null, null, null],
      ['c', 'incomplete', 0, 0, 1, 990, -10, 0.5],
    ]);
    expect(getRun(db, 'a')).toMatchObject({ status: 'running', not_journaled: 5 });
    expect(getRun(db, 'b')).toMatchObject({ run_id: 'b', started_ms: 100, stopped_ms: 200, status: 'stopped' });
    expect(getRun(db, 'nope')).toBeNull();
    expect(lastRun(db)).toMatchObject({ run_id: 'c', started_ms: 400 });
  });

  it("pages a run's events of one type newest first, with a cursor to the older page and none after the last", () => {
    const db = written();
    const first = eventsPage<{ ts_unix_ms: number }>(db, { runId: 'b', eventType: 'risk_reject', limit: 3 });
    expect(first.items.map((e) => e.ts_unix_ms)).toEqual([180, 140, 130]);
    expect(first.next_before).not.toBeNull();
    const second = eventsPage<{ ts_unix_ms: number }>(db, { runId: 'b', eventType: 'risk_reject', limit: 3, before: first.next_before! });
    expect(second).toEqual({ items: [expect.objectContaining({ ts_unix_ms: 120 })], next_before: null });
    // Exactly a page's worth: no cursor to an empty page.
    expect(eventsPage(db, { runId: 'b', eventType: 'risk_reject', limit: 4 }).next_before).toBeNull();
    const m2 = eventsPage<{ ts_unix_ms: number }>(db, { runId: 'b', eventType: 'risk_reject', limit: 10, marketId: 'm2' });
    expect(m2.items.map((e) => e.ts_unix_ms)).toEqual([140, 130]);
    expect(eventsPage(db, { runId: 'a', eventType: 'risk_reject', limit: 10 }).items).toHaveLength(1);
  });

  it('counts events and refusals by reason, repeats inside episodes included', () => {
    const db = written();
    expect(countEvents(db, 'b', 'pnl')).toBe(3);
    expect(countEvents(db, 'b', 'risk_reject')).toBe(4);
    expect(countEvents(db, 'a', 'pnl')).toBe(0);
    expect(rejectsByReason(db, 'b')).toEqual({ max_exposure: 1, stale_feed: 3 });
    // stale_feed: 3 openings + (4 − 1) repeats; cooldown: an episode whose opening is not in this run's rejects.
    expect(rejectOccurrencesByReason(db, 'b')).toEqual({ max_exposure: 1, stale_feed: 6, cooldown: 2 });
    expect(rejectsByReason(db, 'a')).toEqual({ stale_feed: 1 });
  });

  it('gives every event of a run, or of some types, in emission order, and the equity curve', () => {
    const db = written();
    const types = [...runEvents(db, 'b')].map((r) => (JSON.parse(r.body) as { event_type: string; ts_unix_ms: number }).ts_unix_ms);
    expect(types).toEqual([110, 120, 130, 140, 150, 160, 170, 180, 190]);
    const some = [...iterateEvents(db, 'b', ['pnl', 'reject_episode_ended'])].map(
      (r) => (JSON.parse(r.body) as { ts_unix_ms: number }).ts_unix_ms,
    );
    expect(some).toEqual([110, 150, 160, 170, 190]);
    expect(equityCurve(db, 'b')).toEqual([
      { ts_unix_ms: 110, equity: 1_000 },
      { ts_unix_ms: 170, equity: 1_010 },
      { ts_unix_ms: 190, equity: 1_020.5 },
    ]);
    expect(equityCurve(db, 'a')).toEqual([]);
  });

  it("keeps fills, the latest position of each token (cleared by its market's settlement) and settlements", () => {
    const db = written();
    expect(
      db
        .prepare(
          "SELECT ts_unix_ms, fill_id, intent_id, market_id, token_id, outcome, side, qty, fill_px, fee, liquidity FROM fills WHERE run_id = 'a' ORDER BY event_id",
        )
        .all(),
    ).toEqual([
      {
        ts_unix_ms: 320,
        fill_id: 'f320',
        intent_id: 'i320',
        market_id: 'm1',
        token_id: 't-up',
        outcome: 'Up',
        side: 'buy',
        qty: 10,
        fill_px: 0.5,
        fee: 0.01,
        liquidity: 'taker',
      },
      {
        ts_unix_ms: 330,
        fill_id: 'f330',
        intent_id: 'i330',
        market_id: 'm1',
        token_id: 't-up',
        outcome: 'Up',
        side: 'sell',
        qty: 2,
        fill_px: 0.5,
        fee: 0.01,
        liquidity: 'taker',
      },
    ]);
    // m1 settled: its position is gone; m2's stays as last written.
    expect(db.prepare("SELECT token_id, market_id, outcome, qty, avg_cost, ts_unix_ms FROM positions WHERE run_id = 'a'").all()).toEqual([
      { token_id: 't-m2', market_id: 'm2', outcome: 'Up', qty: 4, avg_cost: 0.5, ts_unix_ms: 325 },
    ]);
    expect(
      db
        .prepare(
          "SELECT ts_unix_ms, market_id, winning_token_id, winning_outcome, source, payout, realized_pnl, corrects_outcome, pnl_adjustment FROM settlements WHERE run_id = 'a'",
        )
        .all(),
    ).toEqual([
      {
        ts_unix_ms: 340,
        market_id: 'm1',
        winning_token_id: 't-up',
        winning_outcome: 'Up',
        source: 'official',
        payout: 10,
        realized_pnl: 5,
        corrects_outcome: null,
        pnl_adjustment: null,
      },
    ]);
    expect(db.prepare("SELECT seq, event_type FROM events WHERE run_id = 'c' ORDER BY id").all()).toEqual([
      { seq: 7, event_type: 'settlement' },
      { seq: 8, event_type: 'pnl' },
    ]);
    expect(db.prepare("SELECT corrects_outcome, pnl_adjustment FROM settlements WHERE run_id = 'c'").get()).toEqual({
      corrects_outcome: 'Down',
      pnl_adjustment: -3,
    });
    expect(db.prepare("SELECT position_value FROM equity WHERE run_id = 'c'").get()).toEqual({ position_value: 12.5 });
    expect(getRun(db, 'c')).toMatchObject({ status: 'incomplete', stopped_ms: 430, not_journaled: 2, reason: 'disk full' });
    expect(
      db
        .prepare(
          "SELECT ts_unix_ms, equity, cash, realized, unrealized, fees, position_value FROM equity WHERE run_id = 'b' ORDER BY event_id LIMIT 1",
        )
        .get(),
    ).toEqual({
      ts_unix_ms: 110,
      equity: 1_000,
      cash: 1_000,
      realized: 0,
      unrealized: 0,
      fees: 0.5,
      position_value: 0,
    });
  });
});
