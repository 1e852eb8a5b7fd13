/**
 * A sim run's source: the seeded simulator driven through the engine, its makers seeing our
 * fills, at the configured speed.
 */
import type { Config, Speed } from './config.ts';
import type { OutputEvent } from '../core/outputs.ts';
import type { Engine } from '../engine/engine.ts';
import { SIM_START_MS, SimFeed } from '../sim/sim.ts';
import { simOptionsFromConfig } from './engineFactory.ts';
import { drive, type Observe } from './pacing.ts';
import type { Session } from './session.ts';

/** Drives a sim run to its end (duration, abort); returns the last input time. */
export async function runSim(
  cfg: Config,
  speed: Speed,
  engine: Engine,
  sink: (e: OutputEvent) => void,
  observe: Observe,
  signal: AbortSignal,
  session: Session,
): Promise<number> {
  const durationMs = cfg.durationMs ?? (speed === 'max' ? 30 * 60_000 : null);
  if (durationMs === null)
    process.stderr.write(
      `sim: seed ${cfg.seed} at ${speed} (a 15-minute market window every ${speed === '10x' ? '90 s' : '15 min'}) until Ctrl-C; paper trading only\n`,
    );
  for (const e of engine.start(SIM_START_MS)) sink(e);
  const sim = new SimFeed(simOptionsFromConfig(cfg));
  // The sim's makers see our fills (observe): they react as a real book would.
  const withMakers: Observe = (input, outs) => {
    observe(input, outs);
    sim.observeRun(input, outs);
  };
  return drive(engine, sim.events(), sink, {
    durationMs,
    speed,
    signal,
    observe: withMakers,
    onInput: session.onInput,
    backpressure: session.backpressure,
  });
}
