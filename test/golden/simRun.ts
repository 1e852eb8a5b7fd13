/**
 * A sim run reduced to digests: the summary text and every output event as a JSON line.
 * The golden test pins these so a refactor that claims "no behaviour change" can prove it.
 */
import { createHash } from 'node:crypto';
import { loadConfig } from '../../src/app/config.ts';
import { SIM_START_MS, SimFeed } from '../../src/sim/sim.ts';
import { buildEngine, simOptionsFromConfig } from '../../src/app/engineFactory.ts';
import { drive } from '../../src/app/pacing.ts';
import { formatSummary, SummarySink } from '../../src/app/runSummary.ts';

export interface SimDigest {
  summary: string;
  summarySha: string;
  eventsSha: string;
  events: number;
}

export async function simDigest(seed: number, durationMs: number, env: Record<string, string> = {}): Promise<SimDigest> {
  const cfg = loadConfig({ POLYLAB_MODE: 'sim', ...env });
  const engine = buildEngine(cfg, 'sim', `sim-${seed}`, seed);
  const summary = new SummarySink({ simMarket: cfg.simMarket });
  const events = createHash('sha256');
  let count = 0;
  const sink = (e: Parameters<SummarySink['sink']>[0]) => {
    summary.sink(e);
    events.update(`${JSON.stringify(e)}\n`);
    count += 1;
  };
  for (const e of engine.start(SIM_START_MS)) sink(e);
  // As cli.ts runs it: the configured sim market, its makers fed our fills.
  const sim = new SimFeed({ ...simOptionsFromConfig(cfg), seed });
  const last = await drive(engine, sim.events(), sink, { durationMs, speed: 'max', observe: sim.observeRun });
  for (const e of engine.stop(last)) sink(e);
  const text = formatSummary(summary.summary(engine.counters.inputs));
  return { summary: text, summarySha: sha(text), eventsSha: events.digest('hex'), events: count };
}

const sha = (s: string) => createHash('sha256').update(s).digest('hex');
