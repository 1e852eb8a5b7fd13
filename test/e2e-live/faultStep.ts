/**
 * One fault against the running lab, judged the same way every time: inject it; feed
 * health must show it within a stated time and keep showing it while it lasts (sampled
 * every 200 ms, each sample checked); heal it; health must show the recovery within a
 * stated time. Through all of it the process stays up and no fill is lost or duplicated:
 * the journal and the stream hold the same fills, each once.
 */
import { expect } from 'vitest';
import { poll, type Health, type LabProcess, type LabStream, type SourceHealth } from './lab.ts';

export interface FaultStep {
  /** The feed under fault, as `/feed/health` names it. */
  source: string;
  inject: () => void | Promise<void>;
  /** Health shows the fault. */
  shows: (s: SourceHealth, h: Health) => boolean;
  /** Longest time from the injection until health shows the fault. */
  showWithinMs: number;
  /** How long the fault lasts once shown (0: it heals itself, as a stall does on reconnect). */
  holdMs: number;
  /** Every sample taken while the fault lasts must pass this (health never claims a recovery it has not made). */
  whileHeld?: (s: SourceHealth, h: Health) => void;
  heal: () => void | Promise<void>;
  recovered: (s: SourceHealth, h: Health) => boolean;
  /** The stated recovery time: longest time from the heal until health shows the feed recovered. */
  recoverWithinMs: number;
}

export interface FaultTimes {
  shownMs: number;
  recoveredMs: number;
  samples: number;
}

const at = (h: Health, source: string): SourceHealth => {
  const s = h.sources.find((x) => x.source === source);
  if (!s) throw new Error(`no source ${source} in /feed/health`);
  return s;
};

export async function runFault(lab: LabProcess, stream: LabStream, f: FaultStep): Promise<FaultTimes> {
  const t0 = Date.now();
  await f.inject();
  await poll(
    `${f.source}: health showing the fault`,
    async () => {
      const h = await lab.health();
      return f.shows(at(h, f.source), h);
    },
    f.showWithinMs,
  );
  const shownMs = Date.now() - t0;
  let samples = 0;
  const holdUntil = Date.now() + f.holdMs;
  while (Date.now() < holdUntil) {
    const h = await lab.health();
    f.whileHeld?.(at(h, f.source), h);
    samples += 1;
    await new Promise((r) => setTimeout(r, 200));
  }
  const healedAt = Date.now();
  await f.heal();
  await poll(
    `${f.source}: health showing the recovery`,
    async () => {
      const h = await lab.health();
      return f.recovered(at(h, f.source), h);
    },
    f.recoverWithinMs,
  );
  const recoveredMs = Date.now() - healedAt;
  expect(lab.running, 'the lab is still running').toBe(true);
  await expectFillsIntact(lab, stream);
  return { shownMs, recoveredMs, samples };
}

/** The stream saw each fill once, and the journal holds exactly the stream's fills of this run. */
export async function expectFillsIntact(lab: LabProcess, stream: LabStream, runId?: string): Promise<string[]> {
  const fills = () => stream.of('paper_fill').map((f) => f.fill_id as string);
  const before = fills();
  expect(new Set(before).size, 'a fill streamed twice').toBe(before.length);
  // The journal commits within 50 ms and the stream flushes within 100 ms: poll until they agree.
  const journal = await poll(
    'the journal and the stream to hold the same fills',
    async () => {
      const j = (await lab.journalFills(runId)).map((f) => f.fill_id as string);
      const s = new Set(fills());
      return before.every((id) => j.includes(id)) && j.every((id) => s.has(id)) ? j : null;
    },
    10_000,
  );
  expect(new Set(journal).size, 'a fill journaled twice').toBe(journal.length);
  return journal;
}
