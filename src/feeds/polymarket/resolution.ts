/**
 * Resolution watcher: produces one `market_resolved` input per market as soon as an
 * outcome is known, from whichever arrives first of
 * - `official`: the market channel's `market_resolved` (winning_asset_id), or a poll of
 *   CLOB GET /markets/<condition_id> after window end until a token has `winner: true`;
 * - `own`: our reading of the market's resolution source from buffered reference prints,
 *   by the market's rule (core/resolution.ts), once the window has ended and its closing
 *   print has arrived.
 * An official result that follows an own one is emitted too (the official one wins; the
 * engine decides what to do with it), and any disagreement is recorded and reported.
 */
import type { MarketInfo, MarketResolved, Outcome, ReferencePrice } from '../../core/events.ts';
import { ownOutcome, ReferenceBuffer } from '../../core/resolution.ts';
import type { RestMarket, RestResult } from './clobRest.ts';

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
