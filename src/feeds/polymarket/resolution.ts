/**
 * Resolution watcher: produces one `market_resolved` input per market as soon as an
 * outcome is known, from whichever arrives first of
 * - `official`: the market channel's `market_resolved` (winning_asset_id), or a poll of
 *   CLOB GET /markets/<condition_id> after window end until a token has `winner: true`;
 * - `own`: our reading of the market's resolution source from buffered reference prints
 *   (Chainlink end ≥ start; Chainlink 60-s average end ≥ start; Binance 1-h candle
 *   close ≥ open), once the window has ended and its closing print has arrived.
 * An official result that follows an own one is emitted too (the official one wins; the
 * engine decides what to do with it), and any disagreement is recorded and reported.
 */
import type { MarketInfo, MarketResolved, Outcome, ReferencePrice } from '../../core/events.ts';
import type { RestMarket, RestResult } from './clobRest.ts';

/** A print counts as the value at an instant if within this distance of it. */
export const OWN_TOLERANCE_MS = 5_000;
export const AVG_WINDOW_MS = 60_000;
const BUFFER_MAX = 20_000;

/** Rolling buffer of reference prints per source, ordered by exchange time. */
export class ReferenceBuffer {
  private readonly bySource = new Map<string, ReferencePrice[]>();

  add(p: ReferencePrice): void {
    let buf = this.bySource.get(p.source);
    if (!buf) this.bySource.set(p.source, (buf = []));
    const last = buf[buf.length - 1];
    if (last && p.ts_exchange_ms <= last.ts_exchange_ms) return;
    buf.push(p);
    if (buf.length > BUFFER_MAX) buf.splice(0, buf.length - BUFFER_MAX);
  }

  prints(source: string): readonly ReferencePrice[] {
    return this.bySource.get(source) ?? [];
  }
}

const nearest = (ps: readonly ReferencePrice[], tMs: number): number | null => {
  let best: ReferencePrice | null = null;
  for (const p of ps) if (Math.abs(p.ts_exchange_ms - tMs) <= OWN_TOLERANCE_MS && (!best || Math.abs(p.ts_exchange_ms - tMs) < Math.abs(best.ts_exchange_ms - tMs))) best = p;
  return best?.px ?? null;
};

/** Mean of the prints in (t − 60 s, t]; null when fewer than 10 prints cover it. */
export const trailingAverage = (ps: readonly ReferencePrice[], tMs: number): number | null => {
  let sum = 0;
  let n = 0;
  for (const p of ps) if (p.ts_exchange_ms > tMs - AVG_WINDOW_MS && p.ts_exchange_ms <= tMs) { sum += p.px; n++; }
  return n >= 10 ? sum / n : null;
};

/**
 * Pure: the outcome of `m` read from `prints` of its resolution source, or null when the
 * prints do not cover the window's start and end. Ties go to Up (end ≥ start).
 */
export function ownOutcome(m: MarketInfo, prints: readonly ReferencePrice[]): { outcome: Outcome; startPx: number; endPx: number } | null {
  const s = m.window_start_ms;
  const e = m.window_end_ms;
  let start: number | null;
  let end: number | null;
  switch (m.resolution.rule) {
    case 'end_gte_start':
      start = nearest(prints, s);
      end = nearest(prints, e);
      break;
    case 'avg60_gte_start':
      start = trailingAverage(prints, s);
      end = trailingAverage(prints, e);
      break;
    case 'candle_close_gte_open': {
      // A 1-h candle opens with the first print of the hour and closes with its last.
      const inside = prints.filter((p) => p.ts_exchange_ms >= s && p.ts_exchange_ms < e);
      const first = inside[0];
      const last = inside[inside.length - 1];
      start = first && first.ts_exchange_ms - s <= OWN_TOLERANCE_MS ? first.px : null;
      end = last && e - last.ts_exchange_ms <= OWN_TOLERANCE_MS ? last.px : null;
      break;
    }
  }
  if (start === null || end === null) return null;
  return { outcome: end >= start ? 'Up' : 'Down', startPx: start, endPx: end };
}

export interface Disagreement {
  market_id: string;
  own: Outcome;
  official: Outcome;
  ts_unix_ms: number;
}

interface Watch {
  info: MarketInfo;
  own: Outcome | null;
  official: Outcome | null;
  emitted: 'own' | 'official' | null;
  nextPollMs: number;
  polling: boolean;
}

export interface ResolutionWatcherOptions {
  emit: (e: MarketResolved) => void;
  now: () => number;
  /** CLOB GET /markets/<condition_id>; market_id is the condition id. */
  fetchMarket?: (conditionId: string) => Promise<RestResult<RestMarket>>;
  /** Wait after window end before reading our own result (the closing print must arrive). */
  settleDelayMs?: number;
  pollIntervalMs?: number;
  /** Stop watching a market this long after its window end. */
  giveUpAfterMs?: number;
  onDisagreement?: (d: Disagreement) => void;
}

export class ResolutionWatcher {
  private readonly watches = new Map<string, Watch>();
  private readonly byToken = new Map<string, string>();
  readonly refs = new ReferenceBuffer();
  readonly disagreements: Disagreement[] = [];
  readonly counters = { own: 0, official: 0, officialAfterOwn: 0, disagreements: 0, pollErrors: 0, givenUp: 0 };

  constructor(private readonly opts: ResolutionWatcherOptions) {}

  /** Starts watching new markets; markets already watched stay until resolved. */
  setMarkets(markets: readonly MarketInfo[]): void {
    for (const m of markets) {
      if (this.watches.has(m.market_id)) continue;
      this.watches.set(m.market_id, { info: m, own: null, official: null, emitted: null, nextPollMs: m.window_end_ms, polling: false });
      for (const t of m.tokens) this.byToken.set(t.token_id, m.market_id);
    }
  }

  observeReference(p: ReferencePrice): void {
    this.refs.add(p);
  }

  /** The market channel's `market_resolved`. Returns false for a market we do not watch. */
  onOfficialToken(winningTokenId: string): boolean {
    const id = this.byToken.get(winningTokenId);
    const w = id === undefined ? undefined : this.watches.get(id);
    if (!w || w.official !== null) return false;
    const token = w.info.tokens.find((t) => t.token_id === winningTokenId)!;
    w.official = token.outcome;
    this.counters.official += 1;
    if (w.emitted === 'own') this.counters.officialAfterOwn += 1;
    this.emit(w, token.outcome, 'official');
    if (w.own !== null) this.compare(w);
    this.forget(w);
    return true;
  }

  /** Reads own results and starts official polls that are due. Call about once a second. */
  tick(): void {
    const now = this.opts.now();
    for (const w of [...this.watches.values()]) {
      const end = w.info.window_end_ms;
      if (now < end) continue;
      if (w.own === null && now >= end + (this.opts.settleDelayMs ?? 5_000)) this.readOwn(w);
      if (w.official !== null) {
        this.forget(w);
        continue;
      }
      if (this.opts.fetchMarket && !w.polling && now >= w.nextPollMs) this.poll(w, now);
      if (now > end + (this.opts.giveUpAfterMs ?? 3 * 3_600_000)) {
        this.counters.givenUp += 1;
        this.forget(w);
      }
    }
  }

  private readOwn(w: Watch): void {
    const r = ownOutcome(w.info, this.refs.prints(w.info.resolution.source));
    if (!r) return;
    w.own = r.outcome;
    this.counters.own += 1;
    if (w.emitted === null) this.emit(w, r.outcome, 'own');
    if (w.official !== null) this.compare(w);
  }

  private poll(w: Watch, now: number): void {
    w.polling = true;
    w.nextPollMs = now + (this.opts.pollIntervalMs ?? 15_000);
    void this.opts.fetchMarket!(w.info.market_id).then((r) => {
      w.polling = false;
      if (!r.ok) {
        this.counters.pollErrors += 1;
        if (r.retryAfterMs !== null) w.nextPollMs = Math.max(w.nextPollMs, this.opts.now() + r.retryAfterMs);
        return;
      }
      const winner = r.value.tokens.find((t) => t.winner === true);
      if (r.value.closed && winner) this.onOfficialToken(winner.token_id);
    });
  }

  private emit(w: Watch, outcome: Outcome, source: 'own' | 'official'): void {
    const token = w.info.tokens.find((t) => t.outcome === outcome)!;
    if (w.emitted === null) w.emitted = source;
    this.opts.emit({ event_type: 'market_resolved', market_id: w.info.market_id, winning_token_id: token.token_id, winning_outcome: outcome, source, ts_unix_ms: this.opts.now() });
  }

  private compare(w: Watch): void {
    if (w.own === null || w.official === null || w.own === w.official) return;
    const d: Disagreement = { market_id: w.info.market_id, own: w.own, official: w.official, ts_unix_ms: this.opts.now() };
    this.counters.disagreements += 1;
    this.disagreements.push(d);
    if (this.disagreements.length > 100) this.disagreements.shift();
    this.opts.onDisagreement?.(d);
  }

  private forget(w: Watch): void {
    // Keep a market whose own reading may still come, so a disagreement can be recorded.
    if (w.official !== null && w.own === null && this.opts.now() < w.info.window_end_ms + 60_000) return;
    this.watches.delete(w.info.market_id);
    for (const t of w.info.tokens) this.byToken.delete(t.token_id);
  }

  pending(): number {
    return this.watches.size;
  }
}
