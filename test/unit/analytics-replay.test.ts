// Goal: the trust figures are a pure function of the inputs — the same sim inputs give the same report byte for byte — and they cover every paper fill the engine made.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/app/config.ts';
import type { OutputEvent } from '../../src/core/outputs.ts';
import { SIM_START_MS, SimFeed } from '../../src/sim/sim.ts';
import { buildAnalytics, buildEngine } from '../../src/app/engineFactory.ts';
import { formatSummary, SummarySink } from '../../src/app/runSummary.ts';

function run(seed: number, durationMs: number) {
  const cfg = loadConfig({ POLYLAB_MODE: 'sim', POLYLAB_SIM_MARKET: 'noisy' });
  const engine = buildEngine(cfg, 'sim', `t-${seed}`, seed);
  const analytics = buildAnalytics(cfg);
  const summary = new SummarySink();
  const all: OutputEvent[] = engine.start(SIM_START_MS);
  analytics.observeOutputs(all);
  for (const input of new SimFeed({ seed, market: 'noisy' }).events()) {
    if (input.ts_unix_ms - SIM_START_MS > durationMs) break;
    const outs = engine.step(input);
    analytics.observe(input, outs);
    all.push(...outs);
  }
  for (const e of all) summary.sink(e);
  return { report: analytics.report(), all, text: formatSummary(summary.summary(engine.counters.inputs), analytics.report()) };
}

describe('trust analytics on a replayed run', () => {
  it('gives the same report for the same inputs, covering every fill', () => {
    const a = run(7, 40 * 60_000);
    const b = run(7, 40 * 60_000);
    expect(JSON.stringify(b.report)).toBe(JSON.stringify(a.report));
    const fills = a.all.filter((e) => e.event_type === 'paper_fill').length;
    expect(fills).toBeGreaterThan(10);
    expect(a.report.fills).toBe(fills);
    // The simulator's takers print a tape: every fill gets a label, and some are confirmed by it.
    const t = a.report.tape;
    expect(t.confirmed + t.unconfirmed + t.unknown).toBe(fills);
    expect(t.confirmed).toBeGreaterThan(0);
    const fm = a.report.fill_models;
    expect(fm.settled_trades).toBeGreaterThan(0);
    expect(fm.pnl.optimistic).toBeGreaterThanOrEqual(fm.pnl.default);
    expect(fm.pnl.default).toBeGreaterThan(fm.pnl.pessimistic);
    expect(a.report.calibration.length).toBeGreaterThan(0);
    expect(a.text).toMatch(/PnL range +-?\$[\d.]+ pessimistic \.\. -?\$[\d.]+ default/);
  });
});
