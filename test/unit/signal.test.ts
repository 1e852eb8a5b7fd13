// Goal: the divergence signal buys below, sells above and holds inside the band, refusing bad inputs.
import { describe, expect, it } from 'vitest';
import { liveSignal, SignalInputError } from '../../src/strategy/signal.ts';

describe('liveSignal', () => {
  it('buys when the market is below the reference by more than the threshold', () => {
    const s = liveSignal(64_200, 63_800, 0.003);
    expect(s.action).toBe('buy');
    expect(s.divergence).toBeCloseTo(400 / 63_800, 12);
  });

  it('sells in the mirror case', () => {
    expect(liveSignal(63_800, 64_200, 0.003).action).toBe('sell');
  });

  it('holds inside the band', () => {
    expect(liveSignal(64_000, 63_990, 0.003).action).toBe('hold');
    expect(liveSignal(64_000, 64_000, 0).action).toBe('hold');
  });

  it.each([
    [Number.NaN, 1, 0.01],
    [1, Number.POSITIVE_INFINITY, 0.01],
    [0, 1, 0.01],
    [1, -2, 0.01],
    [1, 1, -0.1],
    [1, 1, Number.NaN],
  ])('rejects non-finite or non-positive inputs (%s, %s, %s)', (r, m, t) => {
    expect(() => liveSignal(r, m, t)).toThrow(SignalInputError);
  });

  it('refuses a market price of zero (the gap would divide by it)', () => {
    expect(() => liveSignal(0.5, 0, 0.05)).toThrow(SignalInputError);
  });

  it('names the bad input, its value and a stable error code', () => {
    const thrown = (f: () => unknown): SignalInputError => {
      try {
        f();
      } catch (e) {
        return e as SignalInputError;
      }
      throw new Error('did not throw');
    };
    expect(thrown(() => liveSignal(-1, 1, 0.01))).toMatchObject({
      code: 'SIGNAL_INPUT_INVALID',
      message: 'referencePx must be finite and > 0, got -1',
    });
    expect(thrown(() => liveSignal(1, 0, 0.01)).message).toBe('marketPx must be finite and > 0, got 0');
    expect(thrown(() => liveSignal(1, 1, -0.5)).message).toBe('threshold must be finite and ≥ 0, got -0.5');
  });
});
