// Goal: on sub-second sim books the latency setting matters — raising POLYLAB_LATENCY_MS never improves the average fill, and 900 ms and 1000 ms give different fills.
//
// "Average fill" is what a fill paid against the true probability at the moment it filled,
// fees included, per share. A longer latency can only cost: the order meets a book that
// moved, fills when the move went against it (the price fell after we decided to buy) and
// gets no price improvement when it went its way (paper/execution.ts).
import { describe, expect, it } from 'vitest';
import { edgeStats, RandomBuyer, runSim, type SimRun } from './sim-harness.ts';

const SIX_HOURS = 6 * 3_600_000;

const run = (latencyMs: number): Promise<SimRun> =>
  runSim({
    seed: 1,
    durationMs: SIX_HOURS,
    strategy: new RandomBuyer(1),
    env: { POLYLAB_LATENCY_MS: String(latencyMs) },
    sim: { windowMs: 300_000 },
  });

describe('latency on sub-second books', () => {
  it('raising the latency never improves the average fill', async () => {
    const latencies = [0, 250, 500, 1_000, 2_000];
    const costs: number[] = [];
    for (const l of latencies) costs.push(edgeStats(await run(l)).costVsTruth);
    for (let i = 1; i < costs.length; i++)
      expect(costs[i], `${latencies[i]} ms vs ${latencies[i - 1]} ms: ${costs.join(', ')}`).toBeGreaterThanOrEqual(costs[i - 1]!);
    // And it matters: two seconds cost over a cent a share more than none.
    expect(costs.at(-1)! - costs[0]!).toBeGreaterThan(0.01);
  }, 180_000);

  it('900 ms and 1000 ms give different fills', async () => {
    const key = (r: SimRun) => r.fills.map(({ fill: f }) => `${f.intent_id}:${f.qty}@${f.fill_px}`);
    const [a, b] = [await run(900), await run(1_000)];
    expect(a.fills.length).toBeGreaterThan(300);
    expect(key(a)).not.toEqual(key(b));
  }, 120_000);
});
