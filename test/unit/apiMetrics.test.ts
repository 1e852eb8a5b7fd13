// Goal: ApiMetrics turns cumulative feed totals into counters, counts fills and rejects, and measures event-loop lag.
import { afterEach, describe, expect, it } from 'vitest';
import { ApiMetrics } from '../../src/api/metrics.ts';
import type { OutputEvent } from '../../src/core/outputs.ts';

const health = (messages: number, reconnects: number): OutputEvent => ({
  event_type: 'feed_health',
  source: 'kraken',
  state: 'live',
  reason: null,
  messages,
  trades: 0,
  parse_errors: 0,
  rejected: 0,
  reconnects,
  last_message_age_ms: 0,
  venues_contributing: 3,
  ts_unix_ms: 1,
});

let m: ApiMetrics | null = null;
afterEach(() => m?.close());

describe('ApiMetrics', () => {
  it('adds only the increase of cumulative feed totals, and restarts cleanly when a source resets its count', async () => {
    m = new ApiMetrics();
    m.apply(health(10, 0));
    m.apply(health(25, 1));
    m.apply(health(4, 0)); // the source restarted counting: 4 new messages
    const text = await m.registry.metrics();
    expect(text).toContain('polylab_feed_messages_total{source="kraken"} 29');
    expect(text).toContain('polylab_feed_reconnects_total{source="kraken"} 1');
    expect(text).toContain('polylab_feed_parse_errors_total{source="kraken"} 0');
    expect(text).toContain('polylab_output_events_total{event_type="feed_health"} 3');
  });

  it('reports event-loop lag beyond the sampling interval when the loop is blocked', async () => {
    m = new ApiMetrics();
    await new Promise((r) => setTimeout(r, 50));
    const t0 = Date.now();
    while (Date.now() - t0 < 120) {
      /* block the loop on purpose */
    }
    await new Promise((r) => setTimeout(r, 30));
    const max = /polylab_event_loop_lag_seconds\{stat="max"\} ([\d.e-]+)/.exec(await m.registry.metrics());
    expect(Number(max?.[1])).toBeGreaterThan(0.08);
  });

  it('keeps separate registries per instance so several apps can live in one process', async () => {
    m = new ApiMetrics();
    const other = new ApiMetrics();
    other.apply({ event_type: 'risk_reject', reason: 'stale_feed', market_id: null, intent_id: null, numbers: {}, ts_unix_ms: 1 });
    expect(await other.registry.metrics()).toContain('polylab_risk_rejects_total{reason="stale_feed"} 1');
    expect(await m.registry.metrics()).not.toContain('stale_feed');
    other.close();
  });
});
