/**
 * What the trust analytics cost: one hour of simulated inputs through the engine with the
 * analytics observing every input and its outputs (and a report at the end of the hour),
 * as a ratio to the engine alone on the same inputs in the same run. Lanes timed in CPU
 * seconds, their order rotating chunk by chunk (./lanes.ts), after warm-up passes.
 * Target: ≥ 0.33×, i.e. the analytics may cost at most twice what the engine costs. No
 * target was stated before. The analytics run beside the engine in every mode and follow
 * every decision and paper fill under several fill models (tape, markouts, fill-model
 * range, calibration), so they may cost about as much as the engine they judge, but they
 * are a report on the run and must not become most of it. Measured here: about 0.5–0.6×
 * (the analytics near 0.8 of an engine), so the target fails on a regression that more
 * than doubles their cost.
 */
import { loadConfig } from '../src/app/config.ts';
import type { Engine } from '../src/engine/engine.ts';
import type { Analytics } from '../src/analytics/analytics.ts';
import { buildAnalytics, buildEngine } from '../src/app/engineFactory.ts';
import { roundRates, roundRatios, timeLanes, type Lane } from './lanes.ts';
import { atLeastRow, median, type BenchRow } from './rows.ts';
import { SIM_SEED, simHour } from './simHour.ts';

const ROUNDS = 9;
const CHUNK_INPUTS = 2_000;
/** Untimed passes first: both lanes keep getting faster for several passes as V8 optimizes them. */
const WARMUP_PASSES = 6;
const MIN_RATIO = 1 / 3;

export function benchAnalytics(): BenchRow[] {
  const inputs = simHour();
  const cfg = loadConfig({});
  let outputs = 0;
  let alone: Engine | null = null;
  const engineLane: Lane = {
    name: 'engine',
    run(from, to) {
      if (from === 0) alone = buildEngine(cfg, 'sim', 'bench', SIM_SEED);
      const e = alone as Engine;
      for (let i = from; i < to; i++) outputs += e.step(inputs[i]!).length;
    },
  };
  let both: { e: Engine; a: Analytics } | null = null;
  let judged = 0;
  const analyticsLane: Lane = {
    name: 'analytics',
    run(from, to) {
      if (from === 0) both = { e: buildEngine(cfg, 'sim', 'bench', SIM_SEED), a: buildAnalytics(cfg) };
      const { e, a } = both as { e: Engine; a: Analytics };
      for (let i = from; i < to; i++) a.observe(inputs[i]!, e.step(inputs[i]!));
      if (to === inputs.length) judged = a.report().fills;
    },
  };
  const times = timeLanes([engineLane, analyticsLane], inputs.length, ROUNDS, CHUNK_INPUTS, WARMUP_PASSES);
  if (outputs === 0 || judged === 0) throw new Error('the sim hour made no outputs or no fills to judge');
  const ratios = roundRatios(times, 'analytics', 'engine');
  const kps = (lane: string): string => (median(roundRates(times, lane, inputs.length)) / 1e3).toFixed(0);
  console.log(
    `inputs: ${inputs.length} (1 h of simulated market, ${judged} paper fills judged); ${ROUNDS} rounds, lanes rotate in ${CHUNK_INPUTS / 1e3}k-input chunks, CPU time`,
  );
  console.log(`engine.step alone:  ${kps('engine')} k inputs per CPU second`);
  console.log(`engine + analytics: ${kps('analytics')} k inputs per CPU second`);
  const row = atLeastRow('analytics: engine + analytics', ratios, MIN_RATIO, 'the engine alone');
  console.log(`ratio: ${row.value} (target ${row.target})`);
  return [{ ...row, value: `${kps('analytics')} k/s, ${row.value}` }];
}
