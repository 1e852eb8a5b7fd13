// Goal: config takes only what a person means — decimal numbers, URLs of the right scheme, durations up
// to the documented maximum (and honours long ones) — and names the flag or variable it refuses.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, MAX_DURATION_MS } from '../../src/app/config.ts';
import { parseStrategiesFile } from '../../src/app/lanes.ts';
import { afterMs, MAX_TIMER_MS, type LongTimerDeps } from '../../src/app/pacing.ts';

const refused = (f: () => unknown): ConfigError => {
  try {
    f();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('accepted');
};

describe('strict config values', () => {
  it('refuses a hexadecimal, binary or blank port, and still takes a decimal one', () => {
    expect(refused(() => loadConfig({ POLYLAB_PORT: '0x1F90' })).message).toMatch(/^Invalid POLYLAB_PORT="0x1F90"/);
    expect(refused(() => loadConfig({ POLYLAB_PORT: '0b1' })).setting).toBe('POLYLAB_PORT');
    expect(refused(() => loadConfig({ POLYLAB_RISK_MAX_SPREAD: '0x1' })).setting).toBe('POLYLAB_RISK_MAX_SPREAD');
    expect(loadConfig({ POLYLAB_PORT: '8080' }).port).toBe(8080);
    expect(loadConfig({ POLYLAB_RISK_MAX_SPREAD: '.05' }).riskMaxSpread).toBe(0.05);
  });

  it('refuses javascript:, file: and http: where a socket URL is expected, and ws: for a REST URL', () => {
    expect(refused(() => loadConfig({ POLYLAB_GAMMA_URL: 'javascript:alert(1)' })).message).toMatch(
      /POLYLAB_GAMMA_URL.*http:\/\/ or https:\/\//,
    );
    expect(refused(() => loadConfig({ POLYLAB_COINBASE_WS_URL: 'javascript://x/%0aalert(1)' })).setting).toBe('POLYLAB_COINBASE_WS_URL');
    expect(refused(() => loadConfig({ POLYLAB_RTDS_URL: 'file:///etc/passwd' })).setting).toBe('POLYLAB_RTDS_URL');
    expect(refused(() => loadConfig({ POLYLAB_CLOB_URL: 'ws://127.0.0.1:1' })).setting).toBe('POLYLAB_CLOB_URL');
    expect(loadConfig({ POLYLAB_CLOB_WS_URL: 'ws://127.0.0.1:9/ws/market', POLYLAB_CLOB_URL: 'http://127.0.0.1:9' }).clobUrl).toBe(
      'http://127.0.0.1:9',
    );
  });

  it('names the flag a user typed (--duration, --capture), not the key', () => {
    expect(refused(() => loadConfig({}, { durationMs: 'soon' })).message).toMatch(/^Invalid --duration \(POLYLAB_DURATION\)="soon"/);
  });

  it('takes durations up to 365 days and refuses longer ones by name', () => {
    expect(loadConfig({ POLYLAB_DURATION: '25d' }).durationMs).toBe(25 * 86_400_000);
    expect(loadConfig({ POLYLAB_DURATION: '365d' }).durationMs).toBe(MAX_DURATION_MS);
    const e = refused(() => loadConfig({ POLYLAB_DURATION: '366d' }));
    expect(e.setting).toBe('POLYLAB_DURATION');
    expect(e.message).toContain('at most 365d');
  });

  it('refuses an unknown setting in a strategies file by its name', () => {
    const text = JSON.stringify({ strategies: [{ name: 'typo', settings: { POLYLAB_EDGE_MNI: 0.03 } }] });
    const e = refused(() => parseStrategiesFile(text, {}, 'polylab.config.json'));
    expect(e.setting).toBe('POLYLAB_EDGE_MNI');
    expect(e.message).toContain('unknown setting POLYLAB_EDGE_MNI');
    expect(parseStrategiesFile(JSON.stringify({ strategies: [{ name: 'ok', settings: { POLYLAB_EDGE_MIN: 0.03 } }] }), {})).toHaveLength(1);
  });
});

describe('a wait longer than a Node timer', () => {
  /** A clock and timer queue the test advances by hand. */
  function fakeTimers(): LongTimerDeps & { armed: number[]; fire: (lateMs?: number) => void; nowMs: number } {
    let pending: { fn: () => void; at: number } | null = null;
    const t = {
      nowMs: 0,
      armed: [] as number[],
      now: () => t.nowMs,
      schedule: (fn: () => void, ms: number) => {
        t.armed.push(ms);
        pending = { fn, at: t.nowMs + ms };
        return () => (pending = null);
      },
      fire: (lateMs = 0) => {
        const p = pending!;
        pending = null;
        t.nowMs = p.at + lateMs;
        p.fn();
      },
    };
    return t;
  }

  it('waits 25 days in steps no timer overflows, and fires only once the clock has passed it', () => {
    const t = fakeTimers();
    let fired = false;
    afterMs(25 * 86_400_000, () => (fired = true), t);
    expect(t.armed[0]).toBe(MAX_TIMER_MS);
    t.fire();
    expect(fired).toBe(false);
    expect(t.armed[1]).toBe(25 * 86_400_000 - MAX_TIMER_MS);
    t.fire(-5);
    // A step that woke 5 ms early waits the rest rather than ending the run.
    expect(fired).toBe(false);
    expect(t.armed[2]).toBe(5);
    t.fire();
    expect(fired).toBe(true);
    expect(t.armed.every((ms) => ms <= MAX_TIMER_MS)).toBe(true);
  });
});
