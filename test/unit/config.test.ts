// Goal: configuration resolves defaults < env < flags and rejects bad values by naming the setting.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseDurationMs } from '../../src/app/config.ts';

describe('config', () => {
  it('defaults to paper-live on 127.0.0.1:8080', () => {
    const c = loadConfig({});
    expect(c.mode).toBe('paper-live');
    expect(c.host).toBe('127.0.0.1');
    expect(c.port).toBe(8080);
    expect(c.medianStalenessMs).toBe(2000);
    expect(c.medianOutlierBps).toBe(200);
    expect(c.venues).toEqual(['coinbase', 'kraken', 'bitstamp', 'okx', 'bybit', 'binance']);
  });

  it('lets env override defaults and flags override env', () => {
    expect(loadConfig({ POLYLAB_MODE: 'sim', POLYLAB_SEED: '11' }).seed).toBe(11);
    const c = loadConfig({ POLYLAB_MODE: 'sim', POLYLAB_PORT: '9000' }, { mode: 'paper-live', port: '0' });
    expect(c.mode).toBe('paper-live');
    expect(c.port).toBe(0);
  });

  it('rejects POLYLAB_MODE=bogus naming the variable and the accepted values', () => {
    let err: unknown = null;
    try {
      loadConfig({ POLYLAB_MODE: 'bogus' });
    } catch (e) {
      err = e;
    }
    // Outside the catch: a loadConfig that accepts the value fails here, not silently.
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).setting).toBe('POLYLAB_MODE');
    expect((err as ConfigError).message).toBe('Invalid POLYLAB_MODE="bogus": accepted values are paper-live, sim');
  });

  it('names the variable for bad numbers, lists and URLs', () => {
    expect(() => loadConfig({ POLYLAB_PORT: 'http' })).toThrow(/POLYLAB_PORT/);
    expect(() => loadConfig({ POLYLAB_PORT: '70000' })).toThrow(/POLYLAB_PORT/);
    expect(() => loadConfig({ POLYLAB_VENUES: 'coinbase,mtgox' })).toThrow(/POLYLAB_VENUES.*coinbase, kraken/);
    expect(() => loadConfig({ POLYLAB_COINBASE_WS_URL: 'not a url' })).toThrow(/POLYLAB_COINBASE_WS_URL/);
    expect(() => loadConfig({ POLYLAB_MEDIAN_STALENESS_MS: '-5' })).toThrow(/POLYLAB_MEDIAN_STALENESS_MS/);
  });

  it('names the flag when a CLI flag is bad', () => {
    expect(() => loadConfig({}, { durationMs: 'forever' })).toThrow(/--duration \(POLYLAB_DURATION\)/);
  });

  it('parses durations with units', () => {
    expect(parseDurationMs('90s')).toBe(90_000);
    expect(parseDurationMs('30m')).toBe(1_800_000);
    expect(parseDurationMs('2h')).toBe(7_200_000);
    expect(parseDurationMs('15')).toBe(900_000);
    expect(Number.isNaN(parseDurationMs('soon'))).toBe(true);
  });

  it('is frozen', () => {
    const c = loadConfig({});
    expect(Object.isFrozen(c)).toBe(true);
  });
});

describe('POLYLAB_OWN_READING_DELAY_MS', () => {
  it('defaults to 5 s, takes a value in range and refuses one past an hour by name', () => {
    expect(loadConfig({}).ownReadingDelayMs).toBe(5_000);
    expect(loadConfig({ POLYLAB_OWN_READING_DELAY_MS: '60000' }).ownReadingDelayMs).toBe(60_000);
    expect(() => loadConfig({ POLYLAB_OWN_READING_DELAY_MS: '3600001' })).toThrow(/POLYLAB_OWN_READING_DELAY_MS/);
  });
});
