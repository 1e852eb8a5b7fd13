// Goal: the sim's profiles and overrides: an override replaces only its own setting (zero is a
// value; undefined and null keep the profile's), the profile is never changed by it, and the
// true volatility a vol estimate should find adds the jumps' variance to the diffusion's.
import { describe, expect, it } from 'vitest';
import { MS_PER_YEAR } from '../../src/pricing/fairValue.ts';
import { SIM_PROFILES, simRealism, trueVolAnnual } from '../../src/sim/profile.ts';

describe('sim realism overrides', () => {
  it('no overrides is the profile itself, as a copy', () => {
    expect(simRealism('efficient')).toEqual(SIM_PROFILES.efficient);
    expect(simRealism('noisy')).toEqual(SIM_PROFILES.noisy);
    expect(simRealism('noisy')).not.toBe(SIM_PROFILES.noisy);
  });

  it('an override replaces only its setting; zero counts, undefined and null keep the profile', () => {
    const r = simRealism('efficient', { volAnnual: 0.9, outlierRate: 0, spread: undefined, depthLevels: null });
    expect(r).toEqual({ ...SIM_PROFILES.efficient, volAnnual: 0.9, outlierRate: 0 });
    expect(SIM_PROFILES.efficient.volAnnual).toBe(0.5);
  });
});

describe('the true volatility', () => {
  it('without jumps it is the diffusion volatility', () => {
    expect(trueVolAnnual({ ...SIM_PROFILES.efficient, jumpPerStep: 0 }, 100, MS_PER_YEAR)).toBe(0.5);
    expect(trueVolAnnual({ ...SIM_PROFILES.efficient, jumpLog: 0 }, 100, MS_PER_YEAR)).toBe(0.5);
  });

  it('jumps add their variance per year: steps a year × chance × size²', () => {
    // One jump of 0.1 a year on average (100 steps a year, chance 1/100) adds 0.01 of variance.
    const r = { ...SIM_PROFILES.efficient, volAnnual: 0.3, jumpPerStep: 0.01, jumpLog: 0.1 };
    expect(trueVolAnnual(r, 10, 1_000)).toBeCloseTo(Math.sqrt(0.09 + 0.01), 12);
    // Twice the steps a year, twice the jump variance.
    expect(trueVolAnnual(r, 5, 1_000)).toBeCloseTo(Math.sqrt(0.09 + 0.02), 12);
  });
});
