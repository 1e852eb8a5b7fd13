// Goal: the seed's helper RiskState.checkMarketExposure keeps its contract (reason, numbers, edge, invalid amounts). Production never calls it: the engine's per-market cap is the `market_exposure_cap` gate, tested in risk-gates.test.ts.
import { describe, expect, it } from 'vitest';
import { RiskState } from '../../src/strategy/risk.ts';

describe('RiskState.checkMarketExposure (the seed helper, not the production gate)', () => {
  const risk = new RiskState(100_000, 0.02);

  it('rejects an order that takes the market beyond 2% of equity', () => {
    const d = risk.checkMarketExposure('btc-up', 10_000, 2_000);
    expect(d).toEqual({ ok: false, reason: 'market_exposure_cap', numbers: { current: 10_000, incoming: 2_000, limit: 2_000 } });
  });

  it('accepts an order inside the cap, including exactly at it', () => {
    expect(risk.checkMarketExposure('btc-up', 500, 1_000)).toEqual({ ok: true });
    expect(risk.checkMarketExposure('btc-up', 1_000, 1_000)).toEqual({ ok: true });
  });

  it('rejects invalid amounts with the amounts, and takes a market with no exposure yet', () => {
    expect(risk.checkMarketExposure('btc-up', 0, Number.NaN)).toEqual({
      ok: false,
      reason: 'invalid_order',
      numbers: { current: 0, incoming: Number.NaN },
    });
    expect(risk.checkMarketExposure('btc-up', -1, 10)).toMatchObject({ ok: false, reason: 'invalid_order' });
    expect(risk.checkMarketExposure('btc-up', Number.POSITIVE_INFINITY, 10)).toMatchObject({ ok: false, reason: 'invalid_order' });
    expect(risk.checkMarketExposure('btc-up', 10, 0)).toMatchObject({ ok: false, reason: 'invalid_order' });
    expect(risk.checkMarketExposure('btc-up', 0, 100)).toEqual({ ok: true });
  });
});
