/**
 * Prometheus metrics on a private prom-client Registry (not the global one, so a test
 * process can build several apps). Feed counters arrive as cumulative totals inside
 * `feed_health` events; they are turned into real counters by adding the increase since
 * the previous report (a drop means the source restarted its count, so the new total is
 * the increase).
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { Counter, Gauge, Registry } from 'prom-client';
import type { OutputEvent } from '../core/outputs.ts';

type FeedCounterKey = 'messages' | 'parse_errors' | 'reconnects';
const LOOP_RESOLUTION_MS = 10;

export class ApiMetrics {
  readonly registry = new Registry();
  private readonly feed: Record<FeedCounterKey, Counter<'source'>>;
  private readonly lastFeed = new Map<string, Record<FeedCounterKey, number>>();
  private readonly fills: Counter;
  private readonly rejects: Counter<'reason'>;
  private readonly events: Counter<'event_type'>;
  readonly wsClients: Gauge;
  readonly wsFrames: Counter;
  readonly wsDisconnects: Counter<'reason'>;
  readonly httpRefused: Counter<'reason'>;
  private readonly loopDelay: IntervalHistogram;

  constructor() {
    const registers = [this.registry];
    this.feed = {
      messages: new Counter({
        name: 'polylab_feed_messages_total',
        help: 'Messages received per source',
        labelNames: ['source'],
        registers,
      }),
      parse_errors: new Counter({
        name: 'polylab_feed_parse_errors_total',
        help: 'Frames that failed to parse, per source',
        labelNames: ['source'],
        registers,
      }),
      reconnects: new Counter({ name: 'polylab_feed_reconnects_total', help: 'Reconnects per source', labelNames: ['source'], registers }),
    };
    this.fills = new Counter({ name: 'polylab_paper_fills_total', help: 'Paper fills', registers });
    this.rejects = new Counter({ name: 'polylab_risk_rejects_total', help: 'Risk rejects by reason', labelNames: ['reason'], registers });
    this.events = new Counter({
      name: 'polylab_output_events_total',
      help: 'Engine output events by type',
      labelNames: ['event_type'],
      registers,
    });
    this.wsClients = new Gauge({ name: 'polylab_ws_clients', help: 'Connected WebSocket clients', registers });
    this.wsFrames = new Counter({ name: 'polylab_ws_frames_sent_total', help: 'WebSocket frames sent to clients', registers });
    this.wsDisconnects = new Counter({
      name: 'polylab_ws_disconnects_total',
      help: 'WebSocket clients closed by the server, by reason',
      labelNames: ['reason'],
      registers,
    });
    this.httpRefused = new Counter({
      name: 'polylab_http_refused_total',
      help: 'Requests and WebSocket upgrades refused by the Host/Origin guard, by reason',
      labelNames: ['reason'],
      registers,
    });
    // perf_hooks samples the loop delay in C++ at no cost to the loop itself.
    this.loopDelay = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
    this.loopDelay.enable();
    const loop = this.loopDelay;
    new Gauge({
      name: 'polylab_event_loop_lag_seconds',
      help: 'Event-loop delay since the last scrape',
      labelNames: ['stat'],
      registers,
      collect() {
        // The histogram records whole sampling intervals; the lag is what exceeds the interval.
        const s = (ns: number) => (Number.isFinite(ns) ? Math.max(0, ns / 1e9 - LOOP_RESOLUTION_MS / 1e3) : 0);
        this.set({ stat: 'mean' }, s(loop.mean));
        this.set({ stat: 'p99' }, s(loop.percentile(99)));
        this.set({ stat: 'max' }, s(loop.max));
        loop.reset();
      },
    });
  }

  /** Label children cached per event type: resolving labels on every event showed up in profiles. */
  private readonly eventChildren = new Map<string, { inc: () => void }>();

  readonly apply = (e: OutputEvent): void => {
    let child = this.eventChildren.get(e.event_type);
    if (!child) {
      child = this.events.labels({ event_type: e.event_type });
      this.eventChildren.set(e.event_type, child);
    }
    child.inc();
    if (e.event_type === 'paper_fill') this.fills.inc();
    else if (e.event_type === 'risk_reject') this.rejects.inc({ reason: e.reason });
    else if (e.event_type === 'feed_health') this.onFeed(e.source, e);
  };

  private onFeed(source: string, totals: Record<FeedCounterKey, number>): void {
    const last = this.lastFeed.get(source);
    for (const key of ['messages', 'parse_errors', 'reconnects'] as const) {
      const prev = last?.[key] ?? 0;
      const increase = totals[key] >= prev ? totals[key] - prev : totals[key];
      // Touch the series even at zero so every source shows up on the first scrape.
      this.feed[key].inc({ source }, increase);
    }
    this.lastFeed.set(source, { messages: totals.messages, parse_errors: totals.parse_errors, reconnects: totals.reconnects });
  }

  close(): void {
    this.loopDelay.disable();
  }
}
