// Goal: the maker's, the queue's, the taker delay's and the sim takers' settings have their documented defaults, reach the engine and the sim, and a bad value is refused naming its variable and the accepted values.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/app/config.ts';
import { buildEngine, simOptionsFromConfig } from '../../src/app/engineFactory.ts';
import { CRYPTO_TAKER_DELAY_MS } from '../../src/core/fees.ts';
import { MakerStrategy } from '../../src/strategy/maker.ts';

describe('maker, queue and taker settings', () => {
  it('defaults as documented', () => {
    const c = loadConfig({});
    expect([c.makerHalfSpread, c.makerQtyShares, c.makerSkewPerShare, c.makerMaxInventoryShares]).toEqual([0.01, 10, 0.0005, 50]);
    expect([c.makerPullBeforeEndMs, c.makerMaxReferenceAgeMs]).toEqual([60_000, 3_000]);
    expect([c.takerDelayMs, c.cancelLatencyMs, c.queueModel, c.queuePower]).toEqual([CRYPTO_TAKER_DELAY_MS, null, 'conservative', 2]);
    expect(CRYPTO_TAKER_DELAY_MS).toBe(250);
  });

  it('reach the engine, the maker and the sim', () => {
    const c = loadConfig({
      POLYLAB_STRATEGY: 'maker',
      POLYLAB_MAKER_HALF_SPREAD: '0.03',
      POLYLAB_MAKER_MAX_INVENTORY: '40',
      POLYLAB_QUEUE_MODEL: 'probabilistic',
      POLYLAB_CANCEL_LATENCY_MS: '120',
      POLYLAB_TAKER_DELAY_MS: '0',
      POLYLAB_SIM_NOISE_TAKERS_PER_MIN: '12',
      POLYLAB_SIM_INFORMED_EDGE: '0.02',
    });
    const e = buildEngine(c, 'sim', 'r', 1);
    expect(e.params.strategy).toBeInstanceOf(MakerStrategy);
    expect((e.params.strategy as MakerStrategy).p).toMatchObject({ halfSpread: 0.03, maxInventoryShares: 40 });
    expect(e.execution.params).toMatchObject({ queueModel: 'probabilistic', cancelLatencyMs: 120, takerDelayMs: 0 });
    expect(simOptionsFromConfig(c).realism).toMatchObject({ noiseTakersPerMin: 12, informedEdge: 0.02 });
  });

  it.each([
    ['POLYLAB_MAKER_HALF_SPREAD', '0.5'],
    ['POLYLAB_MAKER_QTY', '0'],
    ['POLYLAB_MAKER_MAX_INVENTORY', '-1'],
    ['POLYLAB_MAKER_PULL_BEFORE_END_MS', 'soon'],
    ['POLYLAB_QUEUE_MODEL', 'optimistic'],
    ['POLYLAB_QUEUE_POWER', '0'],
    ['POLYLAB_TAKER_DELAY_MS', '-5'],
    ['POLYLAB_CANCEL_LATENCY_MS', '1.5'],
    ['POLYLAB_SIM_NOISE_TAKERS_PER_MIN', '-1'],
    ['POLYLAB_SIM_INFORMED_EDGE', '2'],
  ])('%s=%s is refused, naming the variable', (name, value) => {
    let err: unknown;
    try {
      loadConfig({ [name]: value });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).setting).toBe(name);
    expect((err as Error).message).toContain('accepted values are');
  });
});
