// Goal: the sim market profile and its realism settings load from POLYLAB_SIM_* (empty = the profile's value), reach the simulator, and name the variable when invalid.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/app/config.ts';
import { SimFeed } from '../../src/sim/sim.ts';
import { SIM_PROFILES } from '../../src/sim/profile.ts';
import { simOptionsFromConfig } from '../../src/app/engineFactory.ts';

describe('sim market settings', () => {
  it('default to the efficient profile with its own realism values', () => {
    const cfg = loadConfig({});
    expect(cfg.simMarket).toBe('efficient');
    expect(cfg.simSpread).toBeNull();
    const sim = new SimFeed(simOptionsFromConfig(cfg));
    expect(sim.market).toBe('efficient');
    expect(sim.realism).toEqual(SIM_PROFILES.efficient);
  });

  it('override one realism value at a time, from env or flag, and leave the rest to the profile', () => {
    const cfg = loadConfig(
      { POLYLAB_SIM_MARKET: 'noisy', POLYLAB_SIM_ORACLE_LAG_MS: '2000', POLYLAB_SIM_SPREAD: '', POLYLAB_SIM_OUTLIER_RATE: '0' },
      { simMarket: 'efficient' },
    );
    const sim = new SimFeed(simOptionsFromConfig(cfg));
    expect(sim.market).toBe('efficient');
    expect(sim.realism).toEqual({ ...SIM_PROFILES.efficient, oracleLagMs: 2_000, outlierRate: 0 });
  });

  it.each([
    ['POLYLAB_SIM_MARKET', 'rigged', /efficient, noisy/],
    ['POLYLAB_SIM_SPREAD', '0.9', /POLYLAB_SIM_SPREAD/],
    ['POLYLAB_SIM_BOOK_MS', '150', /multiple of 100 ms/],
    ['POLYLAB_SIM_ORACLE_LAG_MS', '-100', /POLYLAB_SIM_ORACLE_LAG_MS/],
    ['POLYLAB_SIM_DEPTH_DECAY', 'thin', /POLYLAB_SIM_DEPTH_DECAY/],
  ])('%s=%s is refused, naming the variable and what it accepts', (env, value, message) => {
    expect(() => loadConfig({ [env]: value })).toThrow(message);
  });
});
