/**
 * `polylab replay --raw`: turns captured raw frames back into inputs with the same
 * parsers the live edges use — each venue's adapter, the CLOB market channel parser and
 * book keeper (REST /book bodies included), the data socket parser with its duplicate
 * filter — so a parser fix can be tried on yesterday's data. Trades then pass the
 * engine's own trade filter, as in every mode.
 *
 * Trades, books and reference prices come from the frames; the inputs that no frame
 * carries on its own (timers, feed status, markets found by discovery, closed and
 * resolved markets) are taken from the capture's normalized lines.
 */
import type { InputEvent, ReferencePrice } from '../core/events.ts';
import type { CaptureHeader, RawRecord } from './format.ts';
import { ADAPTERS, type VenueName } from '../venues/index.ts';
import { BookKeeper } from '../polymarket/bookKeeper.ts';
import { parseClobFrame } from '../polymarket/wire/clobWsMessages.ts';
import { RestBookSchema, toRestBook } from '../polymarket/wire/clobRestMessages.ts';
import { parsePolyBoltFrame } from '../polymarket/wire/polyboltMessages.ts';
import { parseRtdsFrame } from '../polymarket/rtds.ts';

/** Turns raw frames into inputs (`--raw`): what the replay loop needs of a re-parser. */
export interface Reparser {
  /** Inputs derived from one raw record, in order (the array may be reused by the next call). */
  frame(rec: RawRecord): InputEvent[];
  /** Whether a captured normalized input is replaced by re-parsed frames (else it is kept). */
  replaces(input: InputEvent): boolean;
  /** Sees every input the engine gets (the market set). */
  observe(input: InputEvent): void;
}

/** Inputs re-derived from frames; the captured normalized ones of these types are dropped. */
const FROM_FRAMES: ReadonlySet<InputEvent['event_type']> = new Set(['venue_trade', 'book_snapshot', 'book_delta', 'reference_price']);

export interface ReparseCounts {
  frames: number;
  /** Frames of a source this build has no parser for (e.g. Gamma bodies: discovery is taken from normalized lines). */
  unparsed: number;
  invalid: number;
}

export class RawReparser implements Reparser {
  private readonly out: InputEvent[] = [];
  private readonly keeper: BookKeeper;
  private readonly rtdsLast = new Map<string, number>();
  private readonly marketTokens = new Map<string, string[]>();
  private readonly handlers = new Map<string, (rec: RawRecord) => void>();
  readonly counts: ReparseCounts = { frames: 0, unparsed: 0, invalid: 0 };

  /** `symbolOf`: the configured pair of each venue, as the live feeds subscribe it. */
  constructor(private readonly symbolOf: (venue: VenueName) => string) {
    this.keeper = new BookKeeper({ emit: (e) => this.out.push(e), requestResync: () => undefined });
  }

  replaces(input: InputEvent): boolean {
    return FROM_FRAMES.has(input.event_type);
  }

  observe(input: InputEvent): void {
    if (input.event_type === 'market_discovered') {
      const m = input.market;
      this.marketTokens.set(
        m.market_id,
        m.tokens.map((t) => t.token_id),
      );
      for (const t of m.tokens) if (!this.keeper.has(t.token_id)) this.keeper.track(m.market_id, t.token_id, m.tick_size, input.ts_unix_ms);
    } else if (input.event_type === 'market_resolved') {
      for (const id of this.marketTokens.get(input.market_id) ?? []) this.keeper.untrack(id);
      this.marketTokens.delete(input.market_id);
    }
  }

  /** The inputs of one frame; the array is reused by the next call. */
  frame(rec: RawRecord): InputEvent[] {
    this.out.length = 0;
    this.counts.frames += 1;
    let handle = this.handlers.get(rec.raw);
    if (!handle) this.handlers.set(rec.raw, (handle = this.handlerFor(rec.raw)));
    handle(rec);
    return this.out;
  }

  private handlerFor(source: string): (rec: RawRecord) => void {
    const name = source.replace(/#\d+$/, '');
    if (name === 'polymarket_ws') return (r) => this.clob(r);
    if (name === 'rtds') return (r) => this.rtds(r);
    if (name === 'polybolt') return (r) => this.polybolt(r);
    if (name === 'clob_rest') return (r) => this.rest(r);
    if (name in ADAPTERS) {
      const venue = name as VenueName;
      const symbol = this.symbolOf(venue);
      return (r) => this.venue(venue, symbol, r);
    }
    return () => (this.counts.unparsed += 1);
  }

  private venue(venue: VenueName, symbol: string, rec: RawRecord): void {
    const r = ADAPTERS[venue].parse(rec.data, rec.ts, symbol);
    if (r.kind === 'invalid') this.counts.invalid += 1;
    if (r.kind !== 'trades') return;
    for (const t of r.trades) this.out.push(t);
  }

  private clob(rec: RawRecord): void {
    for (const m of parseClobFrame(rec.data, rec.ts)) {
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

  /** PolyBolt frames as the live feed reads them: snapshot and live prints, once each per source. */
  private polybolt(rec: RawRecord): void {
    const m = parsePolyBoltFrame(rec.data, rec.ts);
    if (m.kind === 'invalid') this.counts.invalid += 1;
    if (m.kind !== 'prices') return;
    for (const p of m.prices) this.keepNewest(p);
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
    if (this.keeper.has(b.assetId) && this.keeper.stateOf(b.assetId) !== 'live')
      this.keeper.applySnapshot(b.assetId, b.bids, b.asks, b.tsMs, rec.ts, b.tickSize);
  }
}

export function createReparser(_header: CaptureHeader, symbolOf: (venue: VenueName) => string): RawReparser {
  return new RawReparser(symbolOf);
}
