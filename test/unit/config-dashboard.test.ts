// Goal: the dashboard's settings (speed auto, --serve, WebSocket origins and limits) parse, default and fail as documented.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/app/config.ts';
import { resolveSpeed } from '../../src/app/pacing.ts';

describe('dashboard and WebSocket settings', () => {
  it('runs a sim without a duration at 10x, and everything else at full speed unless told', () => {
    expect(resolveSpeed(loadConfig({ POLYLAB_MODE: 'sim' }))).toBe('10x');
    expect(resolveSpeed(loadConfig({ POLYLAB_MODE: 'sim', POLYLAB_DURATION: '30m' }))).toBe('max');
    expect(resolveSpeed(loadConfig({ POLYLAB_MODE: 'sim' }, { speed: 'max' }))).toBe('max');
    expect(resolveSpeed(loadConfig({ POLYLAB_MODE: 'sim', POLYLAB_SPEED: '1x' }))).toBe('1x');
    expect(resolveSpeed(loadConfig({}))).toBe('max');
  });

  it('reads --serve and POLYLAB_SERVE as a boolean', () => {
    expect(loadConfig({}).serve).toBe(false);
    expect(loadConfig({}, { serve: true }).serve).toBe(true);
    expect(loadConfig({ POLYLAB_SERVE: '1' }).serve).toBe(true);
    expect(loadConfig({ POLYLAB_SERVE: 'false' }).serve).toBe(false);
    expect(() => loadConfig({ POLYLAB_SERVE: 'maybe' })).toThrowError(/POLYLAB_SERVE/);
  });

  it('takes allowed origins as a comma list of exact origins and refuses anything else, naming the variable', () => {
    expect(loadConfig({}).wsAllowedOrigins).toEqual([]);
    expect(loadConfig({ POLYLAB_WS_ALLOWED_ORIGINS: 'https://lab.example.com, http://10.0.0.5:8080' }).wsAllowedOrigins).toEqual([
      'https://lab.example.com',
      'http://10.0.0.5:8080',
    ]);
    for (const bad of ['lab.example.com', 'https://lab.example.com/', 'https://lab.example.com/path', '*']) {
      expect(() => loadConfig({ POLYLAB_WS_ALLOWED_ORIGINS: bad })).toThrowError(ConfigError);
    }
  });

  it('bounds the client limits', () => {
    const c = loadConfig({});
    expect(c.wsMaxClients).toBe(32);
    expect(c.wsClientMsgsPerS).toBe(10);
    expect(() => loadConfig({ POLYLAB_WS_MAX_CLIENTS: '0' })).toThrowError(/POLYLAB_WS_MAX_CLIENTS/);
    expect(() => loadConfig({ POLYLAB_WS_CLIENT_MSGS_PER_S: 'lots' })).toThrowError(/POLYLAB_WS_CLIENT_MSGS_PER_S/);
  });
});
