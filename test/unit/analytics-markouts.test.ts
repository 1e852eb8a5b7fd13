// Goal: on a known price path, each fill's markouts at +1 s, +5 s, +30 s, +60 s and at settlement read the mid and the exit price at exactly those moments, and average per strategy and side.
import { describe, expect, it } from 'vitest';
import { T0, Tape } from './analytics-harness.ts';
import { markout, settleMarkout } from '../../src/analytics/markouts.ts';

/** A book centred on `mid` with a 2-cent spread. */
const around = (t: Tape, ts: number, mid: number) => t.book('up', ts, [[mid + 0.01, 100]], [[mid - 0.01, 100]]);

describe('markouts', () => {
  it('reads mid and exit at each horizon of a known price path, and the payout at settlement', () => {
    const t = new Tape();
    around(t, T0, 0.5);
    t.trade('up', 'buy', 10, 0.51, 0.51, T0 + 750); // fill at T0 + 1 000
    // The mid is 0.50 until +1 s, then 0.53, 0.56 from +5 s, 0.45 from +30 s, 0.60 from +60 s.
    around(t, T0 + 1_500, 0.53);
    around(t, T0 + 6_000, 0.56);
    around(t, T0 + 30_999, 0.45);
    around(t, T0 + 61_000, 0.6); // exactly at +60 s: the horizon sees the book including it
    around(t, T0 + 61_001, 0.9); // too late for any horizon
    t.settle(T0 + 300_000, 'Down');
    const [row] = t.a.report().markouts;
    expect(row).toMatchObject({ strategy: 'fair_value', side: 'buy', fills: 1 });
    const mids = row!.horizons.map((h) => h.mid);
    const exits = row!.horizons.map((h) => h.exit);
    [0.53 - 0.51, 0.56 - 0.51, 0.45 - 0.51, 0.6 - 0.51].forEach((x, i) => expect(mids[i]).toBeCloseTo(x, 12));
    [0.52 - 0.51, 0.55 - 0.51, 0.44 - 0.51, 0.59 - 0.51].forEach((x, i) => expect(exits[i]).toBeCloseTo(x, 12));
    expect(row!.settlement.avg).toBeCloseTo(-0.51, 12);
  });

  it('averages per strategy and side, weighted by quantity, and signs a sell the other way', () => {
    const t = new Tape();
    around(t, T0, 0.5);
    t.trade('up', 'buy', 10, 0.51, 0.51, T0 + 750);
    t.trade('up', 'buy', 30, 0.51, 0.51, T0 + 750);
    t.trade('up', 'sell', 5, 0.49, 0.49, T0 + 750);
    around(t, T0 + 1_500, 0.6);
    t.timer(T0 + 100_000);
    const rows = t.a.report().markouts;
    expect(rows.map((r) => [r.side, r.fills])).toEqual([
      ['buy', 2],
      ['sell', 1],
    ]);
    expect(rows[0]!.horizons[1]!.mid).toBeCloseTo(0.6 - 0.51, 12);
    expect(rows[0]!.horizons[1]!.samples).toBe(2);
    expect(rows[1]!.horizons[1]!.mid).toBeCloseTo(0.49 - 0.6, 12);
    expect(rows[1]!.horizons[1]!.exit).toBeCloseTo(0.49 - 0.61, 12);
    expect(rows[0]!.settlement).toEqual({ samples: 0, avg: null });
  });

  it('leaves a markout empty when the book has no side to read', () => {
    expect(markout('buy', 0.5, { bid: null, ask: 0.6 })).toEqual({ mid: null, exit: null });
    expect(markout('sell', 0.5, { bid: null, ask: 0.6 }).exit).toBeCloseTo(-0.1, 12);
    expect(settleMarkout('sell', 0.3, 0)).toBe(0.3);
  });
});
