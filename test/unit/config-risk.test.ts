// Goal: the strategy and risk settings have documented defaults, reach the engine's risk limits, and fail fast naming the variable.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, SETTINGS, loadConfig } from '../../src/app/config.ts';
import { riskLimitsFromConfig } from '../../src/app/engineFactory.ts';

const NEW_ENV = [
  'POLYLAB_EDGE_MIN',
  'POLYLAB_EDGE_EXIT',
  'POLYLAB_RISK_MAX_TOTAL_FRACTION',
  'POLYLAB_RISK_MAX_ORDER_QTY',
  'POLYLAB_RISK_MAX_ORDER_NOTIONAL',
  'POLYLAB_RISK_MIN_ORDER_QTY',
  'POLYLAB_RISK_MAX_OPEN_MARKETS',
  'POLYLAB_RISK_DAILY_LOSS_LIMIT',
  'POLYLAB_RISK_MAX_MEDIAN_AGE_MS',
  'POLYLAB_RISK_MIN_VENUES',
  'POLYLAB_RISK_MAX_BOOK_AGE_MS',
  'POLYLAB_RISK_MAX_SPREAD',
  'POLYLAB_RISK_NO_NEW_RISK_BEFORE_END_MS',
  'POLYLAB_RISK_COOLDOWN_MS',
];

describe('strategy and risk settings', () => {
  it('exist in the settings table and each has a README row', () => {
    const envs = Object.values(SETTINGS).map((s) => s.env);
    const readme = readFileSync('README.md', 'utf8');
    for (const env of NEW_ENV) {
      expect(envs).toContain(env);
      expect(readme, env).toContain(`| \`${env}\``);
    }
  });

  it('map every POLYLAB_RISK_* variable onto the engine risk limits', () => {
    const cfg = loadConfig({
      POLYLAB_RISK_MAX_SPREAD: '0.04',
      POLYLAB_RISK_COOLDOWN_MS: '0',
      POLYLAB_RISK_MIN_VENUES: '4',
      POLYLAB_STRATEGY: 'fair-value',
    });
    expect(cfg.strategy).toBe('fair-value');
    expect(riskLimitsFromConfig(cfg)).toEqual({
      maxMarketFraction: 0.02,
      maxTotalFraction: 0.1,
      maxOrderQtyShares: 500,
      maxOrderNotionalUsd: 250,
      minOrderQtyShares: 5,
      maxOpenMarkets: 5,
      dailyLossLimitUsd: 500,
      maxMedianAgeMs: 5_000,
      minVenues: 4,
      maxBookAgeMs: 10_000,
      maxSpread: 0.04,
      noNewRiskBeforeEndMs: 30_000,
      cooldownMs: 0,
    });
  });

  it.each([
    ['POLYLAB_RISK_MAX_SPREAD', '2', '0-1'],
    ['POLYLAB_RISK_MAX_OPEN_MARKETS', '0', '1-1000'],
    ['POLYLAB_EDGE_MIN', 'lots', '0-1'],
    ['POLYLAB_STRATEGY', 'martingale', 'divergence, fair-value'],
  ])('rejects %s=%s naming the variable and the accepted values', (env, value, accepted) => {
    expect(() => loadConfig({ [env]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [env]: value })).toThrow(new RegExp(`${env}.*${accepted}`));
  });
});
