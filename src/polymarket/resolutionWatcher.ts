/**
 * Resolution watcher: produces one `market_resolved` input per market as soon as an
 * outcome is known, from whichever arrives first of
 * - `official`: the market channel's `market_resolved` (market, assets_ids,
 *   winning_asset_id), a poll of CLOB GET /markets/<condition_id> after window end until
 *   a token has `winner: true` (or the market says 50-50), or a poll of the ended Gamma
 *   event by slug until its `outcomePrices` show the result (gammaOfficial.ts; the same
 *   poll brings `eventMetadata.finalPrice`, which then wins over our own closing reading).
 *   Each is applied only when it passes the one integrity rule
 *   (core/resolution.ts `checkOfficialResult`): its market id and both token ids are one
 *   market's we know, and that market's window has ended (within a stated clock tolerance).
 *   Anything else is counted by reason, reported once per burst, and ignored — a forged or
 *   misrouted message can never settle a market.
 * - `own`: our reading of the market's resolution source from buffered reference prints,
 *   by the market's rule (core/resolution.ts `readOutcome`: the TWAP topic for TWAP markets,
 *   Chainlink spot flagged `estimated` when the topic had nothing), once the window has
 *   ended and its closing print has arrived. An edge no print covers is read from the venue
 *   median (`observeMedian`), flagged `estimated`.
 * A 50-50 official result (no single winner) is emitted with `split`: every share pays 0.5.
 * An official result that follows an own one is emitted too (the official one wins; the
 * engine decides what to do with it), and any disagreement is recorded and reported.
 */
import type { MarketInfo, MarketResolved, Outcome, ReferencePrice } from '../core/events.ts';
import {
  atOrFirstAfter,
  checkOfficialResult,
  keptPriceToBeat,
  readableAt,
  REFERENCE_BUFFER_MAX,
  readOutcome,
  ReferenceBuffer,
  type OfficialClaim,
  type OfficialRefusal,
} from '../core/resolution.ts';
import type { RestMarket, RestResult } from './clobRest.ts';
import { restOfficialClaim } from './wire/clobRestMessages.ts';

export interface Disagreement {
  market_id: string;
  own: Outcome;
  official: Outcome;
  ts_unix_ms: number;
}

export type OfficialVia = 'socket' | 'rest' | 'gamma';

/** What a poll of the ended Gamma event found (gammaOfficial.ts). */
export interface GammaOfficial {
  /** `eventMetadata.finalPrice`, once published. */
  final_price: number | null;
  /** The result its `outcomePrices` show; null while they show none (`["0","0"]`, live prices, absent). */
  claim: OfficialClaim | null;
}
export type GammaOfficialResult = { ok: true; value: GammaOfficial } | { ok: false; retryAfterMs: number | null };

/** An official result we refused, with why (for the log and feed health). */
export interface RefusedOfficial {
  reason: OfficialRefusal;
  via: OfficialVia;
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
  nextGammaMs: number;
  gammaPolling: boolean;
}

export interface ResolutionWatcherOptions {
  emit: (e: MarketResolved) => void;
  now: () => number;
  /** CLOB GET /markets/<condition_id>; market_id is the condition id. */
  fetchMarket?: (conditionId: string) => Promise<RestResult<RestMarket>>;
  /** The ended market's Gamma event (by slug): its official result and final price. */
  fetchGamma?: (m: MarketInfo) => Promise<GammaOfficialResult>;
  /** Pace of the Gamma polls of one ended market (each market at most one in flight). */
  gammaPollIntervalMs?: number;
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
  /** The venue median by input time (bounded like the print buffer): the own reading's last fallback. */
  private readonly medians: { px: number; ts_exchange_ms: number }[] = [];
  readonly disagreements: Disagreement[] = [];
  readonly counters = {
    own: 0,
    own_estimated: 0,
    official: 0,
    official_split: 0,
    officialAfterOwn: 0,
    gamma_final_prices: 0,
    gammaPollErrors: 0,
    disagreements: 0,
    pollErrors: 0,
    givenUp: 0,
    refused: 0,
  };
  readonly refusedBy: Partial<Record<OfficialRefusal, number>> = {};

  constructor(private readonly opts: ResolutionWatcherOptions) {}

  /**
   * Starts watching new markets and refreshes the ones watched (a price to beat or final
   * price Gamma published since); markets already watched stay until resolved.
   */
  setMarkets(markets: readonly MarketInfo[]): void {
    for (const m of markets) {
      if (this.done.has(m.market_id)) continue;
      const w = this.watches.get(m.market_id);
      if (w) {
        w.info = refreshed(w.info, m);
        continue;
      }
      const end = m.window_end_ms;
      this.watches.set(m.market_id, {
        ...{ info: m, own: null, official: null, emitted: null },
        ...{ nextPollMs: end, polling: false, nextGammaMs: end, gammaPolling: false },
      });
    }
  }

  observeReference(p: ReferencePrice): void {
    this.refs.add(p);
  }

  /** A venue median (the engine's `btc_median`) at input time `tsMs`; older or equal times are ignored. */
  observeMedian(px: number, tsMs: number): void {
    const last = this.medians[this.medians.length - 1];
    if (last && tsMs <= last.ts_exchange_ms) return;
    this.medians.push({ px, ts_exchange_ms: tsMs });
    if (this.medians.length > REFERENCE_BUFFER_MAX) this.medians.splice(0, this.medians.length - REFERENCE_BUFFER_MAX);
  }

  /**
   * An official result (market channel `market_resolved` or a REST poll). Applied only when
   * it passes the integrity rule; returns whether it was applied.
   */
  onOfficial(claim: OfficialClaim, via: OfficialVia): boolean {
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
    if (check.split === true) this.counters.official_split += 1;
    if (w.emitted === 'own') this.counters.officialAfterOwn += 1;
    this.emit(w, check.outcome, 'official', false, check.split === true);
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
      if (this.opts.fetchGamma && !w.gammaPolling && now >= w.nextGammaMs) this.pollGamma(w, now);
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
    const r = readOutcome(w.info, this.refs, (tMs) => atOrFirstAfter(this.medians, tMs));
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
      const claim = restOfficialClaim(r.value);
      if (claim) this.onOfficial(claim, 'rest');
    });
  }

  /** Asks Gamma for the ended event: its final price (kept on the market) and its result. */
  private pollGamma(w: Watch, now: number): void {
    w.gammaPolling = true;
    w.nextGammaMs = now + (this.opts.gammaPollIntervalMs ?? 30_000);
    void this.opts.fetchGamma!(w.info).then((r) => {
      w.gammaPolling = false;
      if (!r.ok) {
        this.counters.gammaPollErrors += 1;
        if (r.retryAfterMs !== null) w.nextGammaMs = Math.max(w.nextGammaMs, this.opts.now() + r.retryAfterMs);
        return;
      }
      const px = r.value.final_price;
      if (px !== null && w.info.final_price == null) {
        w.info = { ...w.info, final_price: px };
        this.counters.gamma_final_prices += 1;
      }
      if (r.value.claim) this.onOfficial(r.value.claim, 'gamma');
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

/** A watched market's newer copy, keeping the official numbers the older one had and it lacks. */
function refreshed(cur: MarketInfo, next: MarketInfo): MarketInfo {
  const ptb = cur.price_to_beat !== null && next.price_to_beat === null ? keptPriceToBeat(cur) : {};
  const finalPx = cur.final_price != null && next.final_price == null ? { final_price: cur.final_price } : {};
  return { ...next, ...ptb, ...finalPx };
}
