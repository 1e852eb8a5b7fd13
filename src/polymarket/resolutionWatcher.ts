/**
 * Resolution watcher: produces one `market_resolved` input per market as soon as an
 * outcome is known, from whichever arrives first of
 * - `official`: the market channel's `market_resolved` (market, assets_ids,
 *   winning_asset_id), or a poll of CLOB GET /markets/<condition_id> after window end until
 *   a token has `winner: true`. Either is applied only when it passes the one integrity rule
 *   (core/resolution.ts `checkOfficialResult`): its market id and both token ids are one
 *   market's we know, and that market's window has ended (within a stated clock tolerance).
 *   Anything else is counted by reason, reported once per burst, and ignored — a forged or
 *   misrouted message can never settle a market.
 * - `own`: our reading of the market's resolution source from buffered reference prints,
 *   by the market's rule (core/resolution.ts `readOutcome`: the TWAP topic for TWAP markets,
 *   Chainlink spot flagged `estimated` when the topic had nothing), once the window has
 *   ended and its closing print has arrived.
 * An official result that follows an own one is emitted too (the official one wins; the
 * engine decides what to do with it), and any disagreement is recorded and reported.
 */
import type { MarketInfo, MarketResolved, Outcome, ReferencePrice } from '../core/events.ts';
import {
  checkOfficialResult,
  readableAt,
  readOutcome,
  ReferenceBuffer,
  type OfficialClaim,
  type OfficialRefusal,
} from '../core/resolution.ts';
import type { RestMarket, RestResult } from './clobRest.ts';

export interface Disagreement {
  market_id: string;
  own: Outcome;
  official: Outcome;
  ts_unix_ms: number;
}

/** An official result we refused, with why (for the log and feed health). */
export interface RefusedOfficial {
  reason: OfficialRefusal;
  via: 'socket' | 'rest';
  market_id: string;
  winning_token_id: string;
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
  onRefused?: (r: RefusedOfficial) => void;
}

/** How many forgotten markets are remembered, so a late official message for one is not "unknown". */
const FORGOTTEN_MAX = 256;

export class ResolutionWatcher {
  private readonly watches = new Map<string, Watch>();
  /** Markets already resolved officially and forgotten: a repeat of their result is not a refusal. */
  private readonly done = new Set<string>();
  readonly refs = new ReferenceBuffer();
  readonly disagreements: Disagreement[] = [];
  readonly counters = {
    own: 0,
    own_estimated: 0,
    official: 0,
    officialAfterOwn: 0,
    disagreements: 0,
    pollErrors: 0,
    givenUp: 0,
    refused: 0,
  };
  readonly refusedBy: Partial<Record<OfficialRefusal, number>> = {};

  constructor(private readonly opts: ResolutionWatcherOptions) {}

  /** Starts watching new markets; markets already watched stay until resolved. */
  setMarkets(markets: readonly MarketInfo[]): void {
    for (const m of markets) {
      if (this.watches.has(m.market_id) || this.done.has(m.market_id)) continue;
      this.watches.set(m.market_id, { info: m, own: null, official: null, emitted: null, nextPollMs: m.window_end_ms, polling: false });
    }
  }

  observeReference(p: ReferencePrice): void {
    this.refs.add(p);
  }

  /**
   * An official result (market channel `market_resolved` or a REST poll). Applied only when
   * it passes the integrity rule; returns whether it was applied.
   */
  onOfficial(claim: OfficialClaim, via: 'socket' | 'rest'): boolean {
    const w = this.watches.get(claim.market_id);
    if (!w && this.done.has(claim.market_id)) return false;
    const check = checkOfficialResult(w?.info, claim, this.opts.now());
    if (!check.ok) {
      this.counters.refused += 1;
      this.refusedBy[check.reason] = (this.refusedBy[check.reason] ?? 0) + 1;
      this.opts.onRefused?.({ reason: check.reason, via, market_id: claim.market_id, winning_token_id: claim.winning_token_id });
      return false;
    }
    if (!w || w.official !== null) return false;
    w.official = check.outcome;
    this.counters.official += 1;
    if (w.emitted === 'own') this.counters.officialAfterOwn += 1;
    this.emit(w, check.outcome, 'official', false);
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
      if (w.own === null && now >= end + (this.opts.settleDelayMs ?? 5_000) && readableAt(w.info, this.refs, end, now)) this.readOwn(w);
      if (w.official !== null) {
        this.forget(w);
        continue;
      }
      if (this.opts.fetchMarket && !w.polling && now >= w.nextPollMs) this.poll(w, now);
      if (now > end + (this.opts.giveUpAfterMs ?? 3 * 3_600_000)) {
        this.counters.givenUp += 1;
        this.forget(w, true);
      }
    }
  }

  /** Markets whose window has ended but whose official result has not arrived, within `keepMs` of their end. */
  awaitingOfficial(keepMs: number): MarketInfo[] {
    const now = this.opts.now();
    const out: MarketInfo[] = [];
    for (const w of this.watches.values())
      if (w.official === null && now >= w.info.window_end_ms && now < w.info.window_end_ms + keepMs) out.push(w.info);
    return out;
  }

  private readOwn(w: Watch): void {
    const r = readOutcome(w.info, this.refs);
    if (!r) return;
    w.own = r.outcome;
    this.counters.own += 1;
    if (r.estimated) this.counters.own_estimated += 1;
    if (w.emitted === null) this.emit(w, r.outcome, 'own', r.estimated, r.split === true);
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
      if (!r.value.closed || !winner) return;
      this.onOfficial(
        {
          market_id: r.value.condition_id,
          token_ids: r.value.tokens.map((t) => t.token_id),
          winning_token_id: winner.token_id,
          winning_outcome: winner.outcome,
        },
        'rest',
      );
    });
  }

  private emit(w: Watch, outcome: Outcome, source: 'own' | 'official', estimated: boolean, split = false): void {
    const token = w.info.tokens.find((t) => t.outcome === outcome)!;
    if (w.emitted === null) w.emitted = source;
    this.opts.emit({
      event_type: 'market_resolved',
      market_id: w.info.market_id,
      winning_token_id: token.token_id,
      winning_outcome: outcome,
      source,
      ...(estimated ? { estimated: true } : {}),
      // A 50-50 (daily rule, equal closes): `outcome` is Up by convention, every share pays 0.5.
      ...(split ? { split: true } : {}),
      ts_unix_ms: this.opts.now(),
    });
  }

  private compare(w: Watch): void {
    if (w.own === null || w.official === null || w.own === w.official) return;
    const d: Disagreement = { market_id: w.info.market_id, own: w.own, official: w.official, ts_unix_ms: this.opts.now() };
    this.counters.disagreements += 1;
    this.disagreements.push(d);
    if (this.disagreements.length > 100) this.disagreements.shift();
    this.opts.onDisagreement?.(d);
  }

  private forget(w: Watch, givenUp = false): void {
    // Keep a market whose own reading may still come, so a disagreement can be recorded.
    if (!givenUp && w.official !== null && w.own === null && this.opts.now() < w.info.window_end_ms + 60_000) return;
    this.watches.delete(w.info.market_id);
    if (w.official === null) return;
    this.done.add(w.info.market_id);
    if (this.done.size > FORGOTTEN_MAX) this.done.delete(this.done.values().next().value!);
  }

  pending(): number {
    return this.watches.size;
  }
}
