// Goal: each paper fill gets the tape label its hand-built tape calls for — confirmed by enough prints at or through its price inside the window, unconfirmed when the live tape and the book show no such volume, unknown without a tape or when the book lost the size — and the run reports the confirmed share of fills and of PnL.
import { describe, expect, it } from 'vitest';
import { T0, Tape } from './analytics-harness.ts';

const ASKS: [number, number][] = [
  [0.5, 100],
  [0.52, 100],
];
const BIDS: [number, number][] = [[0.48, 100]];
const labels = (t: Tape) => t.a.report().tape;

describe('tape confirmation', () => {
  it('confirms a buy when prints at or below its price add up to its size inside the window', () => {
    const t = new Tape().book('up', T0, ASKS, BIDS);
    t.trade('up', 'buy', 10, 0.5, 0.5, T0 + 1_000);
    // 6 at our price and 4 through it count; a print above our price and one after the window do not.
    t.print('up', T0 + 1_100, 0.5, 6)
      .print('up', T0 + 2_000, 0.52, 50)
      .print('up', T0 + 3_000, 0.49, 4);
    t.timer(T0 + 10_000);
    expect(labels(t)).toMatchObject({ confirmed: 1, unconfirmed: 0, unknown: 0, confirmed_share: 1 });
  });

  it('does not confirm on volume outside the window or short of the size', () => {
    const t = new Tape().book('up', T0, ASKS, BIDS);
    t.trade('up', 'buy', 10, 0.5, 0.5, T0 + 1_000);
    t.print('up', T0 + 500, 0.5, 100); // before the decision
    t.print('up', T0 + 3_000, 0.5, 9.5); // half a share short
    t.print('up', T0 + 1_250 + 5_001, 0.5, 100); // after fill + window
    t.timer(T0 + 10_000);
    expect(labels(t)).toMatchObject({ confirmed: 0, unconfirmed: 1, unknown: 0 });
  });

  it('confirms a sell on prints at or above its price', () => {
    const t = new Tape().book('up', T0, ASKS, BIDS);
    t.trade('up', 'sell', 10, 0.48, 0.48, T0 + 1_000);
    t.print('up', T0 + 1_500, 0.47, 100, 'sell').print('up', T0 + 1_600, 0.49, 10, 'sell');
    t.timer(T0 + 10_000);
    expect(t.a.report().tape.confirmed).toBe(1);
  });

  it('calls a fill unknown when the run has no tape for its market', () => {
    const t = new Tape().book('up', T0, ASKS, BIDS);
    t.trade('up', 'buy', 10, 0.5, 0.5, T0 + 1_000);
    t.timer(T0 + 10_000);
    expect(labels(t)).toMatchObject({ confirmed: 0, unconfirmed: 0, unknown: 1 });
  });

  it('calls a fill unknown, not unconfirmed, when the book lost its size at or through its price', () => {
    const t = new Tape().book('up', T0, ASKS, BIDS);
    t.print('down', T0 + 100, 0.5, 5); // the market's tape is live
    t.trade('up', 'buy', 10, 0.5, 0.5, T0 + 1_000);
    t.delta('up', T0 + 2_000, 'ask', 0.5, 88); // 12 shares left the ask at our price
    t.timer(T0 + 10_000);
    expect(labels(t)).toMatchObject({ unconfirmed: 0, unknown: 1 });
  });

  it('calls a fill unconfirmed when the tape is live but shows nothing at its price and the book kept its depth', () => {
    const t = new Tape().book('up', T0, ASKS, BIDS);
    t.print('down', T0 + 100, 0.5, 5);
    t.trade('up', 'buy', 10, 0.5, 0.5, T0 + 1_000);
    t.delta('up', T0 + 2_000, 'ask', 0.52, 50); // depth left above our price only
    t.delta('up', T0 + 2_100, 'ask', 0.5, 150); // our level grew
    t.timer(T0 + 10_000);
    expect(labels(t)).toMatchObject({ unconfirmed: 1, unknown: 0 });
  });

  it('reports the confirmed share of fills and of settled PnL', () => {
    const t = new Tape().book('up', T0, ASKS, BIDS);
    t.trade('up', 'buy', 10, 0.5, 0.5, T0 + 1_000);
    t.print('up', T0 + 1_100, 0.5, 10);
    t.trade('up', 'buy', 10, 0.52, 0.52, T0 + 20_000);
    t.settle(T0 + 60_000, 'Up');
    const tape = labels(t);
    // Up won: the confirmed buy at 0.50 made 5.00, the unconfirmed one at 0.52 made 4.80.
    expect(tape).toMatchObject({ confirmed: 1, unconfirmed: 1, confirmed_share: 0.5 });
    expect(tape.confirmed_pnl).toBeCloseTo(5, 9);
    expect(tape.settled_pnl).toBeCloseTo(9.8, 9);
    expect(tape.confirmed_pnl_share).toBeCloseTo(5 / 9.8, 9);
  });
});
