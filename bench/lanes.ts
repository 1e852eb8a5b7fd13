/**
 * Timing several ways of doing the same work on the same inputs ("lanes") so that their
 * ratio survives a shared, drifting machine: the inputs are cut into chunks, every lane
 * runs every chunk, and the order of the lanes rotates from chunk to chunk and from round
 * to round, so load that comes and goes, a GC that one lane's garbage sets off, or a cache
 * warmed by the lane before hits every lane alike.
 *
 * Two figures come out of it. Per round, each lane's total time over all inputs gives one
 * ratio per round; their spread is what a single pass would have shown. The headline
 * ratio takes, for every chunk and lane, the fastest of the rounds and sums those: on a
 * machine shared with other work, a chunk during which the process was descheduled only
 * ever makes a lane slower, so the per-chunk minimum is the estimate of the lane's own cost
 * that such interruptions disturb least.
 */

export interface Lane {
  name: string;
  /** Does the lane's work on inputs [from, to). Throws if an input is not handled as expected. */
  run: (from: number, to: number) => void;
}

/** Seconds per lane name, indexed [round][chunk]. */
export type LaneTimes = Map<string, number[][]>;

function seconds(fn: () => void): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

/** Chunks every lane runs untimed first, so that no round pays for the JIT compiling it. */
const WARMUP_CHUNKS = 4;

export function timeLanes(lanes: Lane[], inputs: number, rounds: number, chunk: number): LaneTimes {
  for (const l of lanes) l.run(0, Math.min(inputs, WARMUP_CHUNKS * chunk));
  const times: LaneTimes = new Map(lanes.map((l) => [l.name, []]));
  for (let round = 0; round < rounds; round++) {
    for (const l of lanes) times.get(l.name)?.push([]);
    for (let from = 0, k = 0; from < inputs; from += chunk, k++) {
      const to = Math.min(inputs, from + chunk);
      for (let j = 0; j < lanes.length; j++) {
        const lane = lanes[(k + round + j) % lanes.length] as Lane;
        times.get(lane.name)?.[round]?.push(seconds(() => lane.run(from, to)));
      }
    }
  }
  return times;
}

function laneTimes(times: LaneTimes, name: string): number[][] {
  const t = times.get(name);
  if (!t) throw new Error(`no lane ${name}`);
  return t;
}

const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);

/** Per round, `base`'s total time over `lane`'s: the lane's speed as a multiple of the base's. */
export function roundRatios(times: LaneTimes, lane: string, base: string): number[] {
  const l = laneTimes(times, lane);
  const b = laneTimes(times, base);
  return l.map((chunks, r) => sum(b[r] as number[]) / sum(chunks));
}

/** Sum over chunks of the fastest round of each chunk. */
function bestTotal(rounds: number[][]): number {
  const first = rounds[0] ?? [];
  return sum(first.map((_, k) => Math.min(...rounds.map((r) => r[k] as number))));
}

/** The headline ratio: `base`'s best-of-rounds time over `lane`'s. */
export function bestRatio(times: LaneTimes, lane: string, base: string): number {
  return bestTotal(laneTimes(times, base)) / bestTotal(laneTimes(times, lane));
}

/** Inputs per second of a lane, from its best-of-rounds time. */
export function bestRate(times: LaneTimes, lane: string, inputs: number): number {
  return inputs / bestTotal(laneTimes(times, lane));
}
