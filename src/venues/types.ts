/**
 * The contract every venue adapter implements: a pure mapper from one raw text frame
 * (plus our receive time, passed in — the mapper never reads a clock) to a closed result.
 * Connection concerns (reconnect, heartbeat timing, staleness, backoff) live once in
 * `src/net/socket.ts`; an adapter only knows its venue's message formats.
 */
import type { VenueTrade } from '../core/events.ts';

export type ParseResult =
  /**
   * One or more normalized trades. `seq` is the venue's sequence number of the LAST trade in
   * the frame when the venue has a contiguous one (+1 per trade), `seqFirst` that of the first
   * (defaults to `seq`); the feed counts a gap when `seqFirst` ≠ previous `seq` + 1.
   */
  | { kind: 'trades'; trades: VenueTrade[]; seq?: number; seqFirst?: number }
  /** The venue confirmed our subscription. */
  | { kind: 'ack'; detail: string }
  /** The venue reported an error; `subscription` = the subscription itself was refused. */
  | { kind: 'error'; message: string; subscription: boolean }
  /**
   * A heartbeat / status / snapshot or other frame we understand and deliberately ignore.
   * `seq`: the venue's latest sequence number carried by the frame (e.g. Coinbase heartbeat
   * `last_trade_id`), checked for gaps like a trade's. `reconnect`: the venue asked us to
   * reconnect (Bitstamp `bts:request_reconnect`).
   */
  | { kind: 'control'; detail: string; seq?: number; reconnect?: boolean }
  /** The venue pinged us at the application level: send `reply` back. */
  | { kind: 'ping'; reply: string }
  /** The venue answered our ping. */
  | { kind: 'pong' }
  /** Malformed JSON, unknown type, missing fields, bad numbers: counted, never thrown. */
  | { kind: 'invalid'; reason: string };

export interface VenueAdapter {
  readonly venue: string;
  /** The venue's public trade socket and BTC pair, overridable by POLYLAB_<VENUE>_WS_URL / _SYMBOL. */
  readonly defaultUrl: string;
  readonly defaultSymbol: string;
  /** Frames to send after connecting, in order. `symbol` is the configured pair. */
  subscribe(symbol: string): string[];
  /** An application-level ping the client must send periodically, if the venue needs one. */
  readonly ping?: { intervalMs: number; frame: () => string };
  /** Whether the venue acknowledges subscriptions (if so, a missing ack is an error). */
  readonly acksSubscription: boolean;
  /** Pure: raw frame text + receive time (ms since epoch) → result. Never throws. */
  parse(frame: string, recvMs: number, symbol: string): ParseResult;
}
