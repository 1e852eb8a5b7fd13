// Goal: the sim and the engine read time only from their inputs — replaying the same seed under two wall clocks that start years apart and jump by different amounts between inputs (and under two different Math.random streams) gives byte-identical outputs, and the harness does notice a planted clock or randomness read.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/app/config.ts';
import type { InputEvent } from '../../src/core/events.ts';
import type { OutputEvent } from '../../src/core/outputs.ts';
import { Engine } from '../../src/engine/engine.ts';
import { SIM_START_MS, SimFeed } from '../../src/sim/sim.ts';
import { buildEngine } from '../../src/app/engineFactory.ts';
import type { Decision, MarketView, Strategy } from '../../src/strategy/types.ts';

/** A process clock: where it starts, how far it jumps before each input, what Math.random returns. */
interface Clock {
  startMs: number;
  jumpMs: number;
  random: number;
}

// Thirty years apart, jumping by amounts that share no factor: any read of the wall clock,
// at any granularity from a millisecond to a year, sees different values in the two runs.
const CLOCK_A: Clock = { startMs: Date.UTC(2001, 0, 1), jumpMs: 997, random: 0.25 };
const CLOCK_B: Clock = { startMs: Date.UTC(2031, 6, 15, 13, 7, 11, 123), jumpMs: 7_919, random: 0.75 };
const RUN_MS = 20 * 60_000;

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

/** Generates the sim's inputs and steps an engine over them, all under `clock`; the output stream as text. */
function runUnder(clock: Clock, seed: number, engineFor: () => Engine): string {
  vi.useFakeTimers({ now: clock.startMs, toFake: ['Date', 'performance', 'hrtime'] });
  vi.spyOn(Math, 'random').mockReturnValue(clock.random);
  try {
    const engine = engineFor();
    const out: OutputEvent[] = [...engine.start(SIM_START_MS)];
    for (const input of new SimFeed({ seed }).events() as Iterable<InputEvent>) {
      if (input.ts_unix_ms - SIM_START_MS > RUN_MS) break;
      vi.advanceTimersByTime(clock.jumpMs);
      out.push(...engine.step(input));
    }
    out.push(...engine.stop(SIM_START_MS + RUN_MS));
    expect(Date.now()).toBeGreaterThan(clock.startMs); // the clock did move during the run
    return out.map((e) => JSON.stringify(e)).join('\n');
  } finally {
    vi.useRealTimers();
    vi.restoreAllMocks();
  }
}

const cfg = loadConfig({ POLYLAB_MODE: 'sim' });
const simEngine = (seed: number) => () => buildEngine(cfg, 'sim', `sim-${seed}`, seed);

describe('determinism across a moving wall clock', () => {
  it.each([3, 7])('seed %i: the same output under two clocks years apart that jump between inputs', (seed) => {
    const a = runUnder(CLOCK_A, seed, simEngine(seed));
    const b = runUnder(CLOCK_B, seed, simEngine(seed));
    expect(a.length).toBeGreaterThan(100_000);
    expect(a).toContain('"event_type":"paper_fill"');
    expect(a === b).toBe(true);
  });

  it('the same GTC run (resting orders, expiries) under both clocks', () => {
    const gtc = loadConfig({ POLYLAB_MODE: 'sim', POLYLAB_TIF: 'GTC', POLYLAB_LATENCY_MS: '700' });
    const make = () => buildEngine(gtc, 'sim', 'gtc', 5);
    const a = runUnder(CLOCK_A, 5, make);
    expect(a).toContain('"event_type":"order_expired"');
    expect(a === runUnder(CLOCK_B, 5, make)).toBe(true);
  });
});

/** The seed's engine with its strategy replaced by `strategy`. */
const withStrategy = (strategy: Strategy) => () => new Engine({ ...buildEngine(cfg, 'sim', 'planted', 7).params, strategy });

/** Buys one share of Up whenever `when()` says so: a strategy that leaks whatever `when` reads. */
function leaky(when: () => boolean): Strategy {
  return {
    name: 'leaky',
    evaluate(view: MarketView): Decision[] {
      const up = view.tokens[0]!;
      if (up.best_ask === null || !when()) return [];
      return [{ token_id: up.token_id, outcome: up.outcome, side: 'buy', qty: 5, limit_px: up.best_ask, reason: 'leak', numbers: {} }];
    },
  };
}

describe('the harness notices a planted leak', () => {
  it('a strategy that reads the wall clock rounded to whole seconds', () => {
    const strategy = () => leaky(() => Math.floor(Date.now() / 1_000) % 2 === 0);
    expect(runUnder(CLOCK_A, 7, withStrategy(strategy())) === runUnder(CLOCK_B, 7, withStrategy(strategy()))).toBe(false);
  });

  it('a strategy that reads the wall clock rounded to whole days', () => {
    const strategy = () => leaky(() => new Date().getUTCDay() % 2 === 0);
    expect(runUnder(CLOCK_A, 7, withStrategy(strategy())) === runUnder(CLOCK_B, 7, withStrategy(strategy()))).toBe(false);
  });

  it('a strategy that reads performance.now', () => {
    const strategy = () => leaky(() => Math.floor(performance.now() / 60_000) % 2 === 0);
    expect(runUnder(CLOCK_A, 7, withStrategy(strategy())) === runUnder(CLOCK_B, 7, withStrategy(strategy()))).toBe(false);
  });

  it('a strategy that draws from Math.random', () => {
    const strategy = () => leaky(() => Math.random() < 0.5);
    expect(runUnder(CLOCK_A, 7, withStrategy(strategy())) === runUnder(CLOCK_B, 7, withStrategy(strategy()))).toBe(false);
  });
});
