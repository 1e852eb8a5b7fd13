/**
 * Which source each family's rule is read from, given the reference socket in use — what
 * `polylab doctor` prints under its table. Pure. The facts: PolyBolt carries only the 60 s
 * Chainlink TWAP and a Pyth spot (no Chainlink spot by default, no 30 s TWAP, no Binance);
 * RTDS carries Chainlink spot, both TWAPs and Binance (docs.polymarket.com/migrate/rtds-to-polybolt,
 * read 2026-12-06). Gamma's official priceToBeat / finalPrice win over any of them.
 */
import type { MarketFamily } from '../core/events.ts';

export interface RuleSourceRow {
  families: string;
  rule: string;
  /** Where our own reading comes from with the socket in use. */
  reads: string;
}

const OFFICIAL = 'Gamma eventMetadata.priceToBeat / finalPrice when published';
const MEDIAN = 'else the venue median (price to beat and outcome), flagged estimated';

export function ruleSources(socket: 'polybolt' | 'rtds', families: readonly MarketFamily[]): RuleSourceRow[] {
  const short = families.filter((f) => f === '5m' || f === '15m' || f === '4h').join('/');
  const rows: RuleSourceRow[] = [];
  const pb = socket === 'polybolt';
  if (short) {
    rows.push({
      families: `${short} (TWAP)`,
      rule: 'Chainlink TWAP at the end ≥ at the start',
      reads: pb
        ? `${OFFICIAL}; PolyBolt price.crypto.twap (60 s; a 30 s market has none); ${MEDIAN}`
        : `${OFFICIAL}; RTDS crypto_prices_twap_sixty / _thirty, else Chainlink spot flagged estimated; ${MEDIAN}`,
    });
    rows.push({
      families: `${short} (spot)`,
      rule: 'Chainlink BTC/USD at the end ≥ at the start (print at or first after each edge)',
      reads: pb ? `${OFFICIAL}; none on PolyBolt (its spot is Pyth); ${MEDIAN}` : `${OFFICIAL}; RTDS crypto_prices_chainlink; ${MEDIAN}`,
    });
  }
  const binance = (f: MarketFamily, rule: string) => {
    if (families.includes(f))
      rows.push({
        families: f,
        rule,
        reads: pb
          ? `${OFFICIAL}; none on PolyBolt (no Binance channel); ${MEDIAN}`
          : `${OFFICIAL}; RTDS crypto_prices (Binance btcusdt); ${MEDIAN}`,
      });
  };
  binance('1h', 'Binance BTC/USDT 1-hour candle close ≥ open');
  binance('1d', 'Binance BTC/USDT 1-minute candle close at noon ET vs the day before; equal = 50-50');
  return rows;
}

export function formatRuleSources(socket: 'polybolt' | 'rtds', rows: readonly RuleSourceRow[]): string {
  return [`rule sources (reference socket: ${socket}):`, ...rows.map((r) => `  ${r.families}: ${r.rule} — ${r.reads}`)].join('\n');
}
