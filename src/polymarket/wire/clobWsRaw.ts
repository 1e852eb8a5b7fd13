/**
 * The CLOB market channel's messages as the venue sends them, before any reading: every
 * number a decimal string (`"0.48"`, even `".48"`), timestamps ms strings, sides `BUY` /
 * `SELL`, snake_case names. clobWsMessages.ts reads these into the normalized `ClobMessage`
 * (numbers, camelCase, `bid` / `ask`); its guards are typed against these declarations, so
 * a field the venue renames is renamed here first.
 *
 * Shapes: docs.polymarket.com/market-data/websocket/market-channel (read 2026-12-06) and
 * the fixtures test/fixtures/polymarket/ws_market_*.json (see SOURCES.md there). Fields we
 * do not read (`fee_rate_bps`, `spread`, a new market's question and tags) are listed for
 * the reader, optional.
 */

/** A decimal string, as the venue writes every number. */
export type DecimalString = string;
/** Milliseconds since the epoch, as a string. Some messages arrive without it (issue 23). */
export type MsString = string;

export interface RawLevel {
  price: DecimalString;
  size: DecimalString;
}

export interface RawBook {
  event_type: 'book';
  market: string;
  asset_id: string;
  bids: RawLevel[];
  asks: RawLevel[];
  timestamp: MsString;
  hash?: string;
  tick_size?: DecimalString;
}

/** One level change of the current `price_change` shape (since 2025-09-15). */
export interface RawPriceChangeItem {
  asset_id: string;
  price: DecimalString;
  size: DecimalString;
  side: 'BUY' | 'SELL';
  hash?: string;
  /** The best prices after the change: "0" means no bid, "1" no ask. */
  best_bid?: DecimalString;
  best_ask?: DecimalString;
}

/** The current `price_change`: some frames omit `event_type`, recognised by `price_changes`. */
export interface RawPriceChange {
  event_type?: 'price_change';
  market: string;
  timestamp: MsString;
  price_changes: RawPriceChangeItem[];
}

/** The legacy `price_change` (before 2025-09-15): one asset and one hash per message. */
export interface RawLegacyPriceChange {
  event_type: 'price_change';
  market: string;
  asset_id: string;
  hash?: string;
  timestamp: MsString;
  changes: { price: DecimalString; size: DecimalString; side: 'BUY' | 'SELL' }[];
}

export interface RawTickSizeChange {
  event_type: 'tick_size_change';
  market: string;
  asset_id: string;
  /** May be `""` (absent optional decimal, issue 23): the change stands without it. */
  old_tick_size: DecimalString;
  new_tick_size: DecimalString;
  timestamp: MsString;
}

export interface RawLastTradePrice {
  event_type: 'last_trade_price';
  market: string;
  asset_id: string;
  price: DecimalString;
  /** May be `""`: the print stands, its quantity unknown. */
  size: DecimalString;
  side: 'BUY' | 'SELL';
  fee_rate_bps?: DecimalString;
  timestamp: MsString;
}

export interface RawBestBidAsk {
  event_type: 'best_bid_ask';
  market: string;
  asset_id: string;
  /** Either may be `""` (an empty side of the book). */
  best_bid: DecimalString;
  best_ask: DecimalString;
  spread?: DecimalString;
  timestamp: MsString;
}

export interface RawMarketResolved {
  event_type: 'market_resolved';
  market: string;
  assets_ids: string[];
  /** Empty or absent: no single winner (a 50-50; see clobWsMessages.ts). */
  winning_asset_id?: string;
  winning_outcome?: string;
  timestamp: MsString;
}

export interface RawNewMarket {
  event_type: 'new_market';
  market: string;
  assets_ids: string[];
  question?: string;
  slug?: string;
  timestamp: MsString;
}

/** Every JSON message of the market channel (a frame holds one, or an array of them; or is plain text such as `PONG`). */
export type RawClobMessage =
  | RawBook
  | RawPriceChange
  | RawLegacyPriceChange
  | RawTickSizeChange
  | RawLastTradePrice
  | RawBestBidAsk
  | RawMarketResolved
  | RawNewMarket;

/**
 * A raw message not yet checked: the declared field names, any values. The parser reads
 * through this view, so it can only ask for fields the raw type declares.
 */
export type Unchecked<T> = { [K in keyof T]?: unknown };
