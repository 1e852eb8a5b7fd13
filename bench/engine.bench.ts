/**
 * Engine throughput on simulated inputs, as a ratio to a baseline of JSON.parse of the
 * same inputs (the cheapest thing any edge must do per message).
 */
import type { BenchRow } from './rows.ts';
import { loadConfig } from '../src/config.ts';
import type { InputEvent } from '../src/core/events.ts';
import { SIM_START_MS, SimFeed } from '../src/feeds/sim/sim.ts';
import { buildEngine } from '../src/run.ts';

function timeIt(fn: () => void): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

export function benchEngine(): BenchRow[] {
  const inputs: InputEvent[] = [];
  for (const e of new SimFeed({ seed: 7 }).events()) {
    if (e.ts_unix_ms - SIM_START_MS > 60 * 60_000) break;
    inputs.push(e);
  }
  const frames = inputs.map((e) => JSON.stringify(e));
  const cfg = loadConfig({});
  let best = { engine: Infinity, parse: Infinity };
  for (let rep = 0; rep < 3; rep++) {
    const parse = timeIt(() => {
      for (const f of frames) JSON.parse(f);
    });
    const engine = timeIt(() => {
      const e = buildEngine(cfg, 'sim', 'bench', 7);
      for (const i of inputs) e.step(i);
    });
    best = { engine: Math.min(best.engine, engine), parse: Math.min(best.parse, parse) };
  }
  const n = inputs.length;
  console.log(`inputs: ${n} (1 h of simulated market)`);
  console.log(`JSON.parse baseline: ${(n / best.parse / 1e3).toFixed(0)} k/s`);
  console.log(`engine.step:         ${(n / best.engine / 1e3).toFixed(0)} k/s  ratio ${(best.parse / best.engine).toFixed(2)}× of JSON.parse`);
  return [{ name: 'engine.step on sim inputs', value: n / best.engine / 1e3, unit: 'k inputs/s', target: '(shown)', ratio: best.parse / best.engine, pass: true }];
}
