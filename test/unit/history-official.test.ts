// Goal: an archived Gamma market's `outcomePrices` become the official result a backtest settles by —
// a winner, a 50-50 (each share 0.5, replayed as a split result on the Up token as the live path does),
// or unresolved with the reason — and the exact edges of each form are read as such.
import { describe, expect, it } from 'vitest';
import { officialResult } from '../../src/history/gammaArchive.ts';
import { market } from './analytics-harness.ts';

const info = market();
const up = info.tokens.find((t) => t.outcome === 'Up')!;
const down = info.tokens.find((t) => t.outcome === 'Down')!;
const raw = (prices: unknown) => ({ outcomes: '["Up","Down"]', outcomePrices: prices, closed: true });

describe('officialResult (history)', () => {
  it('reads a winner on either side', () => {
    expect(officialResult(raw('["1","0"]'), info)).toEqual({ resolved: true, winningTokenId: up.token_id, winningOutcome: 'Up' });
    expect(officialResult(raw('["0","1"]'), info)).toEqual({ resolved: true, winningTokenId: down.token_id, winningOutcome: 'Down' });
  });

  it('reads ["0.5","0.5"] as a 50-50 settled on the Up token by convention', () => {
    expect(officialResult(raw('["0.5","0.5"]'), info)).toEqual({
      resolved: true,
      winningTokenId: up.token_id,
      winningOutcome: 'Up',
      split: true,
    });
  });

  it('leaves a market unresolved at the edges: ["0","0"], a near-split, a near-win, no prices', () => {
    for (const p of ['["0","0"]', '["0.5","0.49"]', '["0.999","0.001"]', undefined])
      expect(officialResult(raw(p), info), String(p)).toMatchObject({ resolved: false });
  });
});
