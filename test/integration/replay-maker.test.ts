// Goal: in replay, resting orders fill only from the recorded tape: a capture of a maker run
// replays to the same maker fills, and the same capture with its prints removed — where the
// book still moves through the quotes' prices — replays to no maker fill at all.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDataDir } from './fakes/cli.ts';

interface Ev {
  event_type: string;
  [k: string]: unknown;
}

function events(dataDir: string, runId: string): Ev[] {
  const db = new Database(`${dataDir}/polylab.db`, { readonly: true });
  try {
    const rows = db.prepare('SELECT body FROM events WHERE run_id = ? ORDER BY id').all(runId) as Array<{ body: string }>;
    return rows.map((r) => JSON.parse(r.body) as Ev);
  } finally {
    db.close();
  }
}

const makerFills = (evs: Ev[]) => evs.filter((e) => e.event_type === 'paper_fill' && e.liquidity === 'maker');

/** Resting buys whose token's best ask later fell below their limit while they still rested: the book moved through them. */
function bookMovedThrough(evs: Ev[]): number {
  const resting = new Map<string, { token: string; px: number }>();
  let crossed = 0;
  for (const e of evs) {
    if (e.event_type === 'order_queue' && e.side === 'buy')
      resting.set(e.intent_id as string, { token: e.token_id as string, px: e.limit_px as number });
    else if (e.event_type === 'order_expired' || (e.event_type === 'paper_fill' && e.liquidity === 'maker'))
      resting.delete(e.intent_id as string);
    else if (e.event_type === 'quote' && typeof e.best_ask === 'number')
      for (const [id, o] of resting)
        if (o.token === e.token_id && (e.best_ask as number) < o.px - 1e-9) {
          crossed += 1;
          resting.delete(id);
        }
  }
  return crossed;
}

describe('replay fills resting orders only from the tape', () => {
  const data = tempDataDir();
  const capture = tempDataDir('polylab-capture-');
  const env = { POLYLAB_DATA_DIR: data, POLYLAB_STRATEGY: 'maker' };

  beforeAll(async () => {
    const sim = await runCli(['run', '--mode', 'sim', '--seed', '5', '--duration', '40m', '--capture', capture], env);
    expect(sim.code).toBe(0);
  }, 120_000);

  it('the capture replays to the same maker fills', async () => {
    const r = await runCli(['replay', capture], env);
    expect(r.code).toBe(0);
    const runId = /Polylab run (\S+)/.exec(r.stdout)?.[1];
    const original = makerFills(events(data, 'sim-5'));
    expect(original.length).toBeGreaterThan(0);
    expect(makerFills(events(data, runId!))).toEqual(original);
  }, 120_000);

  it('without its prints, the same capture gives no maker fill although the book moves through the quotes', async () => {
    const dir = tempDataDir('polylab-tapeless-');
    let removed = 0;
    for (const f of fs.readdirSync(capture)) {
      const lines = zlib
        .gunzipSync(fs.readFileSync(path.join(capture, f)))
        .toString('utf8')
        .split('\n');
      const kept = lines.filter((l) => !l.includes('"event_type":"market_trade"'));
      removed += lines.length - kept.length;
      fs.writeFileSync(path.join(dir, f), zlib.gzipSync(kept.join('\n')));
    }
    expect(removed).toBeGreaterThan(0);
    const r = await runCli(['replay', dir], env);
    expect(r.code).toBe(0);
    const runId = /Polylab run (\S+)/.exec(r.stdout)?.[1];
    expect(runId).toBeDefined();
    const evs = events(data, runId!);
    expect(evs.filter((e) => e.event_type === 'order_queue').length).toBeGreaterThan(0);
    expect(bookMovedThrough(evs)).toBeGreaterThan(0);
    expect(makerFills(evs)).toEqual([]);
  }, 120_000);
});
