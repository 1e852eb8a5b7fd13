/**
 * One hour of the seeded sim's inputs, the workload of the engine, analytics and API
 * benches: the same inputs in every run, so their figures compare from run to run.
 */
import type { InputEvent } from '../src/core/events.ts';
import { SIM_START_MS, SimFeed } from '../src/sim/sim.ts';

export const SIM_SEED = 7;

export function simHour(seed = SIM_SEED): InputEvent[] {
  const inputs: InputEvent[] = [];
  for (const e of new SimFeed({ seed }).events()) {
    if (e.ts_unix_ms - SIM_START_MS > 60 * 60_000) break;
    inputs.push(e);
  }
  return inputs;
}
