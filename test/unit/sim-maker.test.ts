// Goal: the sim's takers print a public tape in both profiles; the maker strategy fills from
// it, and only from it; tape confirmation confirms sim fills; the API's working orders agree
// with the execution's; and on the efficient market the maker has no free lunch: no
// significant edge at the default latency, a loss when its quotes lag.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/app/config.ts';
import { buildAnalytics, buildEngine, simOptionsFromConfig } from '../../src/app/engineFactory.ts';
import { drive } from '../../src/app/pacing.ts';
import type { InputEvent } from '../../src/core/events.ts';
import type { OutputEvent } from '../../src/core/outputs.ts';
import { SIM_START_MS, SimFeed } from '../../src/sim/sim.ts';
import { LabState } from '../../src/api/state.ts';
import { edgeStats, runSim } from './sim-harness.ts';

function take(sim: SimFeed, ms: number): InputEvent[] {
  const out: InputEvent[] = [];
  for (const e of sim.events()) {
    if (e.ts_unix_ms >= SIM_START_MS + ms) break;
    out.push(e);
  }
  return out;
}

describe('the simulated tape', () => {
  it.each(['efficient', 'noisy'] as const)('the %s profile prints trades on both tokens, mirrored', (market) => {
    const prints = take(new SimFeed({ seed: 4, market }), 20 * 60_000).filter((e) => e.event_type === 'market_trade');
    const up = prints.filter((p) => p.token_id.endsWith('-up'));
    const down = prints.filter((p) => p.token_id.endsWith('-down'));
    expect(up.length).toBeGreaterThan(50);
    expect(down.length).toBe(up.length);
    up.forEach((p, i) => {
      expect(p.px + down[i]!.px).toBeCloseTo(1, 9);
      expect(down[i]!.qty).toBe(p.qty);
    });
  });

  it('without takers there is no tape', () => {
    const sim = new SimFeed({ seed: 4, realism: { noiseTakersPerMin: 0, informedTakersPerMin: 0 } });
    expect(take(sim, 20 * 60_000).some((e) => e.event_type === 'market_trade')).toBe(false);
  });
});

describe('the maker on the sim', () => {
  it('fills as a maker from the tape, tape confirmation confirms fills, and GET /working-orders matches the execution', async () => {
    const cfg = loadConfig({ POLYLAB_MODE: 'sim', POLYLAB_STRATEGY: 'maker', POLYLAB_SEED: '3' });
    const engine = buildEngine(cfg, 'sim', 'maker-3', 3);
    const analytics = buildAnalytics(cfg);
    const sim = new SimFeed(simOptionsFromConfig(cfg));
    const state = new LabState({ mode: 'sim' });
    let makerFills = 0;
    let rebates = 0;
    const sink = (e: OutputEvent) => {
      state.apply(e);
      if (e.event_type === 'paper_fill' && e.liquidity === 'maker') {
        makerFills += 1;
        rebates += e.rebate ?? 0;
      }
    };
    for (const e of engine.start(SIM_START_MS)) sink(e);
    await drive(engine, sim.events(), sink, {
      durationMs: 95 * 60_000,
      speed: 'max',
      observe: (input, outs) => {
        sim.observeRun(input, outs);
        analytics.observe(input, outs);
      },
    });
    expect(makerFills).toBeGreaterThan(20);
    expect(rebates).toBeGreaterThan(0);
    expect(engine.portfolio.rebates).toBeCloseTo(rebates, 9);
    const tape = analytics.report().tape;
    expect(tape.confirmed).toBeGreaterThan(0);
    expect(tape.confirmed_share).toBeGreaterThan(0);
    const byId = (a: (string | number | null)[], b: (string | number | null)[]) => String(a[0]).localeCompare(String(b[0]));
    const api = state.orders.list().map((o) => [o.intent_id, o.remaining_qty, o.queue_ahead_qty]);
    const exec = [...engine.execution.workingViews()].map((o) => [o.intent_id, o.qty, o.queue_ahead_qty]);
    api.sort(byId);
    exec.sort(byId);
    expect(api.length).toBeGreaterThan(0);
    expect(api).toEqual(exec);
  }, 120_000);
});

describe('no free lunch for the maker on the efficient sim market (24 h of 15-minute windows, seed 2)', () => {
  const DAY = 24 * 3_600_000;
  const env = { POLYLAB_STRATEGY: 'maker', POLYLAB_RISK_DAILY_LOSS_LIMIT: '1000000' };

  it('shows no significant edge at the default settings, and loses when its quotes lag', async () => {
    const base = edgeStats(await runSim({ seed: 2, durationMs: DAY, env }));
    expect(base.fills).toBeGreaterThan(100);
    expect(base.pnlPerShare).toBeLessThanOrEqual(3 * base.stdErr);
    const slow = edgeStats(await runSim({ seed: 2, durationMs: DAY, env: { ...env, POLYLAB_LATENCY_MS: '3000' } }));
    expect(slow.fills).toBeGreaterThan(100);
    // What its fills paid against the truth: lagging quotes are picked off.
    expect(slow.costVsTruth).toBeGreaterThan(base.costVsTruth);
    expect(slow.costVsTruth).toBeGreaterThan(0);
  }, 600_000);
});
