/**
 * `polylab replay --raw`: turns captured raw frames back into inputs with the same
 * parsers and guards the live edges use — each venue's adapter and trade guard, the CLOB
 * market channel parser and book keeper (REST /book bodies included), the data socket
 * parser with its duplicate filter — so a parser fix can be tried on yesterday's data.
 *
 * Trades, books and reference prices come from the frames; the inputs that no frame
 * carries on its own (timers, feed status, markets found by discovery, closed and
 * resolved markets) are taken from the capture's normalized lines.
 */
import type { Config, VenueName } from '../../config.ts';
import type { InputEvent, ReferencePrice } from '../../core/events.ts';
import type { OutputEvent } from '../../core/outputs.ts';
import type { CaptureHeader, RawRecord } from '../../journal/captureFormat.ts';
import { DEFAULT_GUARDS, TradeGuard } from '../tradeGuard.ts';
import { ADAPTERS } from '../venues/index.ts';
import { BookKeeper } from '../polymarket/bookKeeper.ts';
import { parseClobFrame } from '../polymarket/clobWsMessages.ts';
import { RestBookSchema, toRestBook } from '../polymarket/clobRest.ts';
import { parseRtdsFrame } from '../polymarket/rtds.ts';

/** Turns raw frames into inputs (`--raw`): what the replay loop needs of a re-parser. */
export interface Reparser {
  /** Inputs derived from one raw record, in order (the array may be reused by the next call). */
  frame(rec: RawRecord): InputEvent[];
  /** Whether a captured normalized input is replaced by re-parsed frames (else it is kept). */
  replaces(input: InputEvent): boolean;
  /** Sees every input the engine gets and every output (market set, reference price). */
  observe(input: InputEvent): void;
  onOutput: (e: OutputEvent) => void;
}

/** Inputs re-derived from frames; the captured normalized ones of these types are dropped. */
const FROM_FRAMES: ReadonlySet<InputEvent['event_type']> = new Set(['venue_trade', 'book_snapshot', 'book_delta', 'reference_price']);
/** As live: a median older than this is not used to judge absurd venue prints. */
const REFERENCE_FRESH_MS = 10_000;

export interface ReparseCounts {
  frames: number;
  /** Frames of a source this build has no parser for (e.g. Gamma bodies: discovery is taken from normalized lines). */
  unparsed: number;
  invalid: number;
  rejected: number;
}

export class RawReparser implements Reparser {
  private readonly out: InputEvent[] = [];
  private readonly guards = new Map<string, TradeGuard>();
  private readonly keeper: BookKeeper;
  private readonly rtdsLast = new Map<string, number>();
  private readonly marketTokens = new Map<string, string[]>();
  private readonly handlers = new Map<string, (rec: RawRecord) => void>();
  private median: { px: number; ts: number } | null = null;
  private recvMs = 0;
  readonly counts: ReparseCounts = { frames: 0, unparsed: 0, invalid: 0, rejected: 0 };

  constructor(private readonly cfg: Config) {
    this.keeper = new BookKeeper({ emit: (e) => this.out.push(e), requestResync: () => undefined });
  }

  replaces(input: InputEvent): boolean {
    return FROM_FRAMES.has(input.event_type);
  }

  observe(input: InputEvent): void {
    if (input.event_type === 'market_discovered') {
      const m = input.market;
      this.marketTokens.set(m.market_id, m.tokens.map((t) => t.token_id));
      for (const t of m.tokens) if (!this.keeper.has(t.token_id)) this.keeper.track(m.market_id, t.token_id, m.tick_size, input.ts_unix_ms);
    } else if (input.event_type === 'market_resolved') {
      for (const id of this.marketTokens.get(input.market_id) ?? []) this.keeper.untrack(id);
      this.marketTokens.delete(input.market_id);
    }
  }

  readonly onOutput = (e: OutputEvent): void => {
    if (e.event_type === 'btc_median') this.median = { px: e.px_median, ts: e.ts_unix_ms };
  };

  /** The inputs of one frame; the array is reused by the next call. */
  frame(rec: RawRecord): InputEvent[] {
    this.out.length = 0;
    this.counts.frames += 1;
    this.recvMs = rec.ts;
    let handle = this.handlers.get(rec.raw);
    if (!handle) this.handlers.set(rec.raw, (handle = this.handlerFor(rec.raw)));
    handle(rec);
    return this.out;
  }

  private handlerFor(source: string): (rec: RawRecord) => void {
    const name = source.replace(/#\d+$/, '');
    if (name === 'polymarket_ws') return (r) => this.clob(r);
    if (name === 'rtds') return (r) => this.rtds(r);
    if (name === 'clob_rest') return (r) => this.rest(r);
    if (name in ADAPTERS) {
      const venue = name as VenueName;
      const symbol = this.cfg.venueSymbol(venue);
      return (r) => this.venue(venue, symbol, r);
    }
    return () => (this.counts.unparsed += 1);
  }

  private venue(venue: VenueName, symbol: string, rec: RawRecord): void {
    const r = ADAPTERS[venue].parse(rec.data, rec.ts, symbol);
    if (r.kind === 'invalid') this.counts.invalid += 1;
    if (r.kind !== 'trades') return;
    let guard = this.guards.get(venue);
    if (!guard) this.guards.set(venue, (guard = new TradeGuard(DEFAULT_GUARDS, () => this.referencePx())));
    for (const t of r.trades) {
      if (guard.check(t)) this.counts.rejected += 1;
      else this.out.push(t);
    }
  }

  private referencePx(): number | null {
    const m = this.median;
    return m && this.recvMs - m.ts <= REFERENCE_FRESH_MS ? m.px : null;
  }

  private clob(rec: RawRecord): void {
    for (const m of parseClobFrame(rec.data)) {
      if (m.kind === 'market_resolved' || m.kind === 'last_trade_price') continue;
      this.keeper.onMessage(m, rec.ts);
    }
  }

  private rtds(rec: RawRecord): void {
    const r = parseRtdsFrame(rec.data, rec.ts);
    if (r.kind === 'invalid') this.counts.invalid += 1;
    if (r.kind !== 'prices') return;
    for (const p of r.prices) this.keepNewest(p);
  }

  private keepNewest(p: ReferencePrice): void {
    if (p.ts_exchange_ms <= (this.rtdsLast.get(p.source) ?? -1)) return;
    this.rtdsLast.set(p.source, p.ts_exchange_ms);
    this.out.push(p);
  }

  private rest(rec: RawRecord): void {
    if (!rec.url?.startsWith('/book') || rec.status !== 200) return;
    let body: unknown;
    try {
      body = JSON.parse(rec.data);
    } catch {
      this.counts.invalid += 1;
      return;
    }
    const parsed = RestBookSchema.safeParse(body);
    if (!parsed.success) {
      this.counts.invalid += 1;
      return;
    }
    const b = toRestBook(parsed.data);
    // As the live resyncer: a REST book only replaces a book the socket has not made live again.
    if (this.keeper.has(b.assetId) && this.keeper.stateOf(b.assetId) !== 'live') this.keeper.applySnapshot(b.assetId, b.bids, b.asks, b.tsMs, rec.ts, b.tickSize);
  }
}

export function createReparser(_header: CaptureHeader, cfg: Config): RawReparser {
  return new RawReparser(cfg);
}
