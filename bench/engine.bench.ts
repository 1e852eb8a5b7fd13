/**
 * Engine throughput: one hour of simulated inputs through `Engine.step` (median, signal,
 * strategy, risk, paper execution, settlement), as a ratio to JSON.parse of the same
 * inputs serialized, the least any edge pays per message. Both lanes run on the same
 * inputs in the same run, timed in CPU seconds with their order rotating chunk by chunk
 * (./lanes.ts); the figure is the median round with its range.
 * Target: ≥ 1.0×, i.e. stepping an input may cost at most one parse of it. No target was
 * stated before; this one is what replay needs: the journal/replay target (issue 13) is ≥
 * 0.5× of JSON.parse from raw frames, i.e. parse + map + step in at most two parses, which
 * leaves the step about one. Measured here after warm-up: 1.5–1.7× (rounds 1.2–1.8×).
 * Issue 25 (queue tracking, the sim's tape, fees per level): 1.71× against 1.77× for the code
 * before it, the two benches run back to back on one machine (0.97×, target ≥ 0.9×). A second
 * lane runs the maker strategy on the same hour (resting quotes on every tick, cancels, queue
 * tracking on every book change and print), held to the same target.
 */
import { loadConfig } from '../src/app/config.ts';
import type { Engine } from '../src/engine/engine.ts';
import { buildEngine } from '../src/app/engineFactory.ts';
import { roundRates, roundRatios, timeLanes, type Lane } from './lanes.ts';
import { atLeastRow, median, type BenchRow } from './rows.ts';
import { SIM_SEED, simHour } from './simHour.ts';

const ROUNDS = 9;
/**
 * Untimed passes before the rounds: the engine's many code paths keep getting faster for
 * about six passes over the hour as V8 optimizes them (measured); a long run is at that speed.
 */
const WARMUP_PASSES = 8;
const CHUNK_INPUTS = 2_000;
const MIN_RATIO = 1;

export function benchEngine(): BenchRow[] {
  const inputs = simHour();
  const frames = inputs.map((e) => JSON.stringify(e));
  const cfg = loadConfig({});
  let sink = 0;
  const json: Lane = {
    name: 'json',
    run(from, to) {
      for (let i = from; i < to; i++) if (JSON.parse(frames[i] as string) !== null) sink++;
    },
  };
  // A fresh engine at the start of every pass over the hour; the outputs of a pass must
  // number the same every time (the engine is deterministic), or the figure means nothing.
  let engine: Engine | null = null;
  let outputs = 0;
  const passes: number[] = [];
  const step: Lane = {
    name: 'engine',
    run(from, to) {
      if (from === 0) engine = buildEngine(cfg, 'sim', 'bench', SIM_SEED);
      const e = engine as Engine;
      for (let i = from; i < to; i++) outputs += e.step(inputs[i]!).length;
      if (to === inputs.length) {
        passes.push(outputs);
        outputs = 0;
      }
    },
  };
  // The same hour through an engine running the maker strategy: resting quotes, cancels and
  // queue tracking on every book change and print (paper/queue.ts), against the default lane.
  const makerCfg = loadConfig({ POLYLAB_STRATEGY: 'maker' });
  let makerEngine: Engine | null = null;
  const maker: Lane = {
    name: 'maker',
    run(from, to) {
      if (from === 0) makerEngine = buildEngine(makerCfg, 'sim', 'bench-maker', SIM_SEED);
      const e = makerEngine as Engine;
      for (let i = from; i < to; i++) sink += e.step(inputs[i]!).length;
    },
  };
  const times = timeLanes([json, step, maker], inputs.length, ROUNDS, CHUNK_INPUTS, WARMUP_PASSES);
  if (sink === 0 || passes.length !== WARMUP_PASSES + ROUNDS || passes.some((n) => n !== passes[0]))
    throw new Error(`engine passes differ: ${passes.join(', ')} outputs`);
  const ratios = roundRatios(times, 'engine', 'json');
  const kps = (lane: string): string => (median(roundRates(times, lane, inputs.length)) / 1e3).toFixed(0);
  console.log(
    `inputs: ${inputs.length} (1 h of simulated market, ${passes[0]} outputs a pass); ${ROUNDS} rounds, lanes rotate in ${CHUNK_INPUTS / 1e3}k-input chunks, CPU time`,
  );
  console.log(`JSON.parse baseline: ${kps('json')} k inputs per CPU second`);
  console.log(`engine.step:         ${kps('engine')} k inputs per CPU second`);
  const row = atLeastRow('engine: step on sim inputs', ratios, MIN_RATIO);
  console.log(`ratio: ${row.value} (target ${row.target})`);
  console.log(`engine.step, maker:  ${kps('maker')} k inputs per CPU second (resting quotes, queue tracking)`);
  // The maker decides, cancels and replaces on every tick, so its lane does more than queue
  // tracking; it must still meet the engine's own target against the same baseline.
  const makerRow = atLeastRow('engine: maker strategy (resting quotes, queue tracking)', roundRatios(times, 'maker', 'json'), MIN_RATIO);
  const perDefault = median(roundRatios(times, 'maker', 'engine')).toFixed(2);
  console.log(`maker ratio: ${makerRow.value} (target ${makerRow.target}); ${perDefault}× the default engine's rate`);
  return [
    { ...row, value: `${kps('engine')} k/s, ${row.value}` },
    { ...makerRow, value: `${kps('maker')} k/s, ${makerRow.value}` },
  ];
}
