// Goal: the seeded generator's integer draw covers exactly its inclusive bounds — every value between them and none outside — so the simulator's choices (levels, ticks, counts) span the range they name.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.ts';

/** How often each value came out of `draws` calls of `int(lo, hi)`. */
function tally(seed: number, lo: number, hi: number, draws: number): Map<number, number> {
  const rng = new Rng(seed);
  const seen = new Map<number, number>();
  for (let i = 0; i < draws; i++) {
    const k = rng.int(lo, hi);
    seen.set(k, (seen.get(k) ?? 0) + 1);
  }
  return seen;
}

describe('Rng.int', () => {
  it.each([
    [3, 5],
    [-3, 3],
    [0, 0],
  ])('draws every integer of [%i, %i] and nothing else', (lo, hi) => {
    const seen = tally(11, lo, hi, 2_000);
    expect([...seen.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: hi - lo + 1 }, (_, k) => lo + k));
  });

  it('draws the values about equally often', () => {
    const seen = tally(5, 1, 4, 4_000);
    for (const n of seen.values()) expect(Math.abs(n - 1_000)).toBeLessThan(150);
  });

  it('gives the same draws for the same seed and other draws for another', () => {
    const draws = (seed: number) => {
      const rng = new Rng(seed);
      return Array.from({ length: 8 }, () => rng.int(0, 1_000));
    };
    expect(draws(42)).toEqual(draws(42));
    expect(draws(42)).not.toEqual(draws(43));
  });
});
