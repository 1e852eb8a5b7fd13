// Goal: the trust report folded as fills arrive (fillFigures.ts) equals the report computed from every fill record at once (trustReport.ts buildReport), bit for bit, at any moment of a run — on seeded sim runs and on generated trades with late fills, settlements and corrections — and the exact sums it rests on are order-free.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/app/config.ts';
import { SIM_START_MS, SimFeed } from '../../src/sim/sim.ts';
import { buildEngine } from '../../src/app/engineFactory.ts';
import { Analytics } from '../../src/analytics/analytics.ts';
import { ExactSum, exactSum } from '../../src/analytics/exactSum.ts';
import { Rng } from '../../src/core/rng.ts';
import { Tape, T0 } from './analytics-harness.ts';

const same = (a: Analytics) => expect(JSON.stringify(a.report())).toBe(JSON.stringify(a.batchReport()));

describe('exact sums', () => {
  it('read the same whatever the order, and adding −x undoes adding x', () => {
    const rng = new Rng(11);
    const xs = Array.from({ length: 2_000 }, () => (rng.next() - 0.5) * 10 ** Math.floor(rng.next() * 12 - 6));
    const forward = exactSum(xs);
    const backward = exactSum([...xs].reverse());
    const sorted = exactSum([...xs].sort((a, b) => a - b));
    expect(backward).toBe(forward);
    expect(sorted).toBe(forward);
    // Where the naive sum loses digits, the exact one is the correctly rounded value (Python's math.fsum gives the same).
    expect(exactSum([1e100, 1, -1e100])).toBe(1);
    expect(exactSum(Array.from({ length: 10 }, () => 0.1))).toBe(1);
    expect(Array.from({ length: 10 }, () => 0.1).reduce((a, b) => a + b)).not.toBe(1);
    const s = new ExactSum();
    for (const x of xs) s.add(x);
    for (const x of xs.slice(0, 1_000)) s.add(-x);
    expect(s.value()).toBe(exactSum(xs.slice(1_000)));
  });
});

describe('the incremental trust report', () => {
  it('equals the batch report every 20 minutes of a seeded noisy sim run', () => {
    const cfg = loadConfig({ POLYLAB_MODE: 'sim', POLYLAB_SIM_MARKET: 'noisy' });
    const engine = buildEngine(cfg, 'sim', 'inc-7', 7);
    const a = new Analytics({ latencyMs: cfg.latencyMs, slippageBps: cfg.slippageBps, keepFills: 100_000 });
    a.observeOutputs(engine.start(SIM_START_MS));
    let checks = 0;
    let nextCheckMs = SIM_START_MS + 20 * 60_000;
    for (const x of new SimFeed({ seed: 7, market: 'noisy' }).events()) {
      if (x.ts_unix_ms >= nextCheckMs) {
        same(a);
        checks += 1;
        nextCheckMs += 20 * 60_000;
        if (checks === 6) break;
      }
      a.observe(x, engine.step(x));
    }
    const r = a.report();
    // A run with fills in every state: labelled, marked, settled.
    expect(r.fills).toBeGreaterThan(100);
    expect(r.fill_models.settled_trades).toBeGreaterThan(50);
    expect(r.markouts.length).toBeGreaterThan(0);
    expect(r.tape.confirmed).toBeGreaterThan(0);
  });

  it('equals the batch report through generated trades, settlements and corrections', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const rng = new Rng(seed);
      const t = new Tape({ keepFills: 10_000 });
      let ts = T0;
      t.book('up', ts, [[0.5, 200]], [[0.48, 200]]).book('down', ts, [[0.52, 200]], [[0.5, 200]]);
      for (let i = 0; i < 40; i++) {
        ts += Math.floor(rng.next() * 4_000) + 100;
        const token = rng.next() < 0.5 ? 'up' : 'down';
        const side = rng.next() < 0.7 ? 'buy' : 'sell';
        const px = Math.round((0.3 + rng.next() * 0.4) * 100) / 100;
        const qty = Math.round(rng.next() * 500) / 10 + 0.1;
        t.trade(token, side, qty, px, px, ts, { fair: rng.next(), fee: Math.round(rng.next() * 100) / 1_000 });
        if (rng.next() < 0.4) t.print(token, ts + 300, px, qty * rng.next() * 2);
        if (rng.next() < 0.3) t.book(token, ts + 500, [[px + 0.01, 50 + rng.next() * 100]], [[px - 0.01, 50]]);
        // Checked while some fills are still inside their tape window and before their horizons.
        same(t.a);
      }
      t.timer(ts + 70_000);
      same(t.a);
      t.settle(ts + 80_000, 'Up');
      same(t.a);
      t.settle(ts + 90_000, 'Down', 'Up');
      same(t.a);
      expect(t.a.report().fill_models.settled_trades).toBe(40);
    }
  });
});
