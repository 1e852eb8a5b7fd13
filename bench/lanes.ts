/**
 * Timing several ways of doing the same work on the same inputs ("lanes") so that their
 * ratio survives a shared, busy machine:
 * - time is the process's CPU time (user + kernel, `process.cpuUsage`), not the wall
 *   clock: on a two-core machine shared with other work the process is descheduled for
 *   whole time slices, which the wall clock charges to whichever lane was running (measured
 *   here at load 17: 2,000 JSON.parse calls took 1.2–34 ms of wall time but 1.2–2.1 ms of
 *   CPU time). The lanes run on the main thread; V8's helper threads (concurrent GC,
 *   compiler) are counted too, being part of the cost of the work.
 * - the inputs are cut into chunks, every lane runs every chunk, and the order of the lanes
 *   rotates from chunk to chunk and from round to round, so a GC that one lane's garbage
 *   sets off, or a cache warmed by the lane before, hits every lane alike.
 * Each round covers all inputs and gives one total per lane; ratios are taken within a
 * round, and reported as the median of the rounds with their range.
 */

export interface Lane {
  name: string;
  /** Does the lane's work on inputs [from, to). Throws if an input is not handled as expected. */
  run: (from: number, to: number) => void;
}

/** CPU seconds per lane name, one total per round. */
export type LaneTimes = Map<string, number[]>;

function cpuSeconds(fn: () => void): number {
  const c0 = process.cpuUsage();
  fn();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1e6;
}

/**
 * `warmups` untimed passes of every lane come first, so that no timed round pays for the
 * JIT; code with many paths (the engine) keeps getting faster for several passes.
 */
export function timeLanes(lanes: Lane[], inputs: number, rounds: number, chunk: number, warmups = 1): LaneTimes {
  for (let w = 0; w < warmups; w++) for (const l of lanes) l.run(0, inputs);
  const times: LaneTimes = new Map(lanes.map((l) => [l.name, []]));
  for (let round = 0; round < rounds; round++) {
    const total = new Map(lanes.map((l) => [l.name, 0]));
    for (let from = 0, k = 0; from < inputs; from += chunk, k++) {
      const to = Math.min(inputs, from + chunk);
      for (let j = 0; j < lanes.length; j++) {
        const lane = lanes[(k + round + j) % lanes.length] as Lane;
        total.set(lane.name, (total.get(lane.name) ?? 0) + cpuSeconds(() => lane.run(from, to)));
      }
    }
    for (const [name, s] of total) times.get(name)?.push(s);
  }
  return times;
}

function laneTimes(times: LaneTimes, name: string): number[] {
  const t = times.get(name);
  if (!t) throw new Error(`no lane ${name}`);
  return t;
}

/** Per round, `base`'s time over `lane`'s: the lane's speed as a multiple of the base's. */
export function roundRatios(times: LaneTimes, lane: string, base: string): number[] {
  const b = laneTimes(times, base);
  return laneTimes(times, lane).map((s, r) => (b[r] as number) / s);
}

/** Per round, inputs per CPU second of a lane. */
export function roundRates(times: LaneTimes, lane: string, inputs: number): number[] {
  return laneTimes(times, lane).map((s) => inputs / s);
}
