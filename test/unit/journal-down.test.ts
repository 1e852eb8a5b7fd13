// Goal: once the journal reports itself down (a `journal` venue_status), the engine refuses every new buy
// for the rest of the run while sells still go through, and the API's readiness says why.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/app/config.ts';
import { buildEngine, simOptionsFromConfig } from '../../src/app/engineFactory.ts';
import { SIM_START_MS, SimFeed } from '../../src/sim/sim.ts';
import { JOURNAL_SOURCE, type InputEvent } from '../../src/core/events.ts';
import type { OutputEvent } from '../../src/core/outputs.ts';
import { LabState } from '../../src/api/state.ts';

const down = (ts: number): InputEvent => ({
  event_type: 'venue_status',
  source: JOURNAL_SOURCE,
  state: 'down',
  reason: 'journal write failed: database or disk is full; new risk stopped until restart',
  messages: 0,
  trades: 0,
  parse_errors: 0,
  rejected: 0,
  reconnects: 0,
  last_message_ts_ms: null,
  ts_unix_ms: ts,
});

describe('a journal that went down', () => {
  it('stops new risk for the rest of the run, and readiness names it', () => {
    const cfg = loadConfig({ POLYLAB_MODE: 'sim', POLYLAB_SEED: '3', POLYLAB_SIM_MARKET: 'noisy' });
    const engine = buildEngine(cfg, 'sim', 'sim-3', 3);
    const state = new LabState({ mode: 'sim' });
    const outs: OutputEvent[] = [...engine.start(SIM_START_MS)];
    const haltAtMs = SIM_START_MS + 40 * 60_000;
    let halted = false;
    const intentsBefore: string[] = [];
    const after: OutputEvent[] = [];
    for (const input of new SimFeed(simOptionsFromConfig(cfg)).events()) {
      if (input.ts_unix_ms > SIM_START_MS + 3 * 3_600_000) break;
      if (!halted && input.ts_unix_ms >= haltAtMs) {
        halted = true;
        for (const e of engine.step(down(input.ts_unix_ms))) {
          state.apply(e);
          after.push(e);
        }
      }
      for (const e of engine.step(input)) {
        state.apply(e);
        (halted ? after : outs).push(e);
        if (!halted && e.event_type === 'paper_intent') intentsBefore.push(e.side);
      }
    }
    // The same run bought before the halt, so "no buy after" is not just a quiet sim.
    expect(intentsBefore).toContain('buy');
    const intentsAfter = after.filter((e) => e.event_type === 'paper_intent');
    expect(intentsAfter.every((e) => e.event_type === 'paper_intent' && e.side === 'sell')).toBe(true);
    const rejects = after.filter((e) => e.event_type === 'risk_reject' && e.reason === 'journal_unavailable');
    expect(rejects.length).toBeGreaterThan(0);
    expect(rejects[0]).toMatchObject({ numbers: { halted_at_ms: haltAtMs } });
    expect(state.feedHealth().sources.find((s) => s.source === JOURNAL_SOURCE)).toMatchObject({ state: 'down' });
    expect(state.readiness()).toMatchObject({ ready: false, reason: expect.stringContaining('journal write failed') });
  });
});
