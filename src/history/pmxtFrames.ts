/**
 * A PMXT row → the market-channel frame text it was recorded from (src/polymarket/wire/
 * clobWsMessages.ts parses it as it parses a live frame). Written twice, on purpose:
 * `FRAME_SQL` builds the text inside DuckDB's query, so a row crosses into JS as one string
 * instead of fourteen values (bench/history.bench.ts measured the build ~2× faster), and
 * `rowFrame` builds it in JS from the row's values — the plain reading of the same rules,
 * which test/unit/pmxtFrames.test.ts holds the SQL to (both parse to the same messages).
 * Decimals print as DuckDB prints them (`0.4700`), which parse to the same numbers.
 */

/** `[["0.48","100"],…]` → `[{"price":"0.48","size":"100"},…]` (the channel's own shape). */
function depth(raw: unknown): string {
  if (typeof raw !== 'string') return 'null';
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    return 'null';
  }
  if (!Array.isArray(v)) return 'null';
  return JSON.stringify(v.map((l) => (Array.isArray(l) ? { price: String(l[0]), size: String(l[1]) } : l)));
}

const dec = (v: unknown): string => (v === null || v === undefined ? '' : String(v));

/** One PMXT row (recv, ts, market, type, asset, bids, asks, price, size, side, best bid, best ask, old tick, new tick) → its frame text. */
export function rowFrame(r: readonly unknown[]): string {
  const [, ts, market, type, asset, bids, asks, price, size, side, bb, ba, oldTick, newTick] = r;
  // A null `timestamp` is sent as the channel sends an absent one (""): the parser then takes the receive time.
  const head = `"market":${JSON.stringify(market)},"timestamp":"${ts === null || ts === undefined ? '' : String(ts)}"`;
  switch (type) {
    case 'price_change': {
      const best = bb === null || ba === null ? '' : `,"best_bid":"${dec(bb)}","best_ask":"${dec(ba)}"`;
      return `{"event_type":"price_change",${head},"price_changes":[{"asset_id":${JSON.stringify(asset)},"price":"${dec(price)}","size":"${dec(size)}","side":${JSON.stringify(side)}${best}}]}`;
    }
    case 'book':
      return `{"event_type":"book",${head},"asset_id":${JSON.stringify(asset)},"bids":${depth(bids)},"asks":${depth(asks)}}`;
    case 'last_trade_price':
      return `{"event_type":"last_trade_price",${head},"asset_id":${JSON.stringify(asset)},"price":"${dec(price)}","size":"${dec(size)}","side":${JSON.stringify(side)}}`;
    case 'tick_size_change':
      return `{"event_type":"tick_size_change",${head},"asset_id":${JSON.stringify(asset)},"old_tick_size":"${dec(oldTick)}","new_tick_size":"${dec(newTick)}"}`;
    default:
      return `{"event_type":${JSON.stringify(type)},${head}}`;
  }
}

/** A depth level `["0.48","100"]` (quoted or not) → `{"price":"0.48","size":"100"}`, the channel's own shape. */
const levelSql = (col: string) =>
  `coalesce(regexp_replace(${col}, '\\[\\s*"?([0-9.eE+-]+)"?\\s*,\\s*"?([0-9.eE+-]+)"?\\s*\\]', '{"price":"\\1","size":"\\2"}', 'g'), 'null')`;
const strSql = (col: string) => `coalesce(to_json(${col}), 'null')`;
const decSql = (col: string) => `coalesce(CAST(${col} AS VARCHAR), '')`;

/** The frame text of a `read_parquet` row of the PMXT schema, as rowFrame writes it. */
export const FRAME_SQL = `'{"event_type":' || CASE WHEN event_type IN ('price_change', 'book', 'last_trade_price', 'tick_size_change') THEN '"' || event_type || '"' ELSE ${strSql('event_type')} END
  || ',"market":' || ${strSql('decode(market::BLOB)')} || ',"timestamp":"' || coalesce(CAST(epoch_ms("timestamp") AS VARCHAR), '') || '"'
  || CASE event_type
    WHEN 'price_change' THEN ',"price_changes":[{"asset_id":' || ${strSql('asset_id')} || ',"price":"' || ${decSql('price')} || '","size":"' || ${decSql('size')} || '","side":' || ${strSql('side')}
      || CASE WHEN best_bid IS NULL OR best_ask IS NULL THEN '' ELSE ',"best_bid":"' || ${decSql('best_bid')} || '","best_ask":"' || ${decSql('best_ask')} || '"' END || '}]'
    WHEN 'book' THEN ',"asset_id":' || ${strSql('asset_id')} || ',"bids":' || ${levelSql('bids')} || ',"asks":' || ${levelSql('asks')}
    WHEN 'last_trade_price' THEN ',"asset_id":' || ${strSql('asset_id')} || ',"price":"' || ${decSql('price')} || '","size":"' || ${decSql('size')} || '","side":' || ${strSql('side')}
    WHEN 'tick_size_change' THEN ',"asset_id":' || ${strSql('asset_id')} || ',"old_tick_size":"' || ${decSql('old_tick_size')} || '","new_tick_size":"' || ${decSql('new_tick_size')} || '"'
    ELSE '' END || '}'`;
