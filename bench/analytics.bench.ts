/**
 * What the trust analytics cost: engine + analytics throughput on one hour of simulated
 * inputs, as a ratio to the engine alone measured in the same run.
 */
import { loadConfig } from '../src/config.ts';
import type { InputEvent } from '../src/core/events.ts';
import { SIM_START_MS, SimFeed } from '../src/feeds/sim/sim.ts';
import { buildAnalytics, buildEngine } from '../src/run.ts';

function timeIt(fn: () => void): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

export function benchAnalytics(): void {
  const inputs: InputEvent[] = [];
  for (const e of new SimFeed({ seed: 7 }).events()) {
    if (e.ts_unix_ms - SIM_START_MS > 60 * 60_000) break;
    inputs.push(e);
  }
  const cfg = loadConfig({});
  let best = { engine: Infinity, both: Infinity };
  for (let rep = 0; rep < 3; rep++) {
    const engine = timeIt(() => {
      const e = buildEngine(cfg, 'sim', 'bench', 7);
      for (const i of inputs) e.step(i);
    });
    const both = timeIt(() => {
      const e = buildEngine(cfg, 'sim', 'bench', 7);
      const a = buildAnalytics(cfg);
      for (const i of inputs) a.observe(i, e.step(i));
      a.report();
    });
    best = { engine: Math.min(best.engine, engine), both: Math.min(best.both, both) };
  }
  const n = inputs.length;
  console.log(`inputs: ${n} (1 h of simulated market)`);
  console.log(`engine.step alone:      ${(n / best.engine / 1e3).toFixed(0)} k/s`);
  console.log(`engine + analytics:     ${(n / best.both / 1e3).toFixed(0)} k/s  ratio ${(best.engine / best.both).toFixed(2)}× of the engine alone`);
}
