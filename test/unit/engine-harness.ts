/** Builders the engine's unit tests share: a scripted strategy, an engine on test settings, a decision, a venue's status. */
import type { InputEvent, VenueStatus } from '../../src/core/events.ts';
import { Engine, type EngineParams } from '../../src/engine/engine.ts';
import type { Decision, Strategy } from '../../src/strategy/types.ts';

/** A strategy that proposes the given decisions, one per evaluation, then nothing. */
export function scripted(decisions: Decision[]): Strategy {
  const queue = [...decisions];
  return { name: 'scripted', evaluate: () => (queue.length > 0 ? [queue.shift()!] : []) };
}

export const buyUp = (qty: number, limitPx: number, over: Partial<Decision> = {}): Decision => ({
  token_id: 'up',
  outcome: 'Up',
  side: 'buy',
  qty,
  limit_px: limitPx,
  reason: 'test',
  numbers: {},
  ...over,
});

/** An engine with a two-venue median, a 250 ms latency and no slippage, unless `over` says otherwise. */
export function engine(strategy: Strategy = scripted([]), over: Partial<EngineParams> = {}): Engine {
  return new Engine({
    runId: 't',
    mode: 'sim',
    seed: null,
    strategy,
    median: { stalenessMs: 2000, outlierBps: 200, minVenues: 2 },
    vol: { halfLifeMs: 300_000, floorAnnual: 0.2 },
    equityUsd: 10_000,
    riskMaxMarketFraction: 0.5,
    latencyMs: 250,
    slippageBps: 0,
    ...over,
  });
}

export const venueStatus = (source: string, ts: number, over: Partial<VenueStatus> = {}): InputEvent => ({
  event_type: 'venue_status',
  source,
  state: 'live',
  reason: null,
  messages: 50,
  trades: 40,
  parse_errors: 1,
  rejected: 2,
  reconnects: 0,
  last_message_ts_ms: ts - 700,
  ts_unix_ms: ts,
  ...over,
});
