/**
 * The market rules discovery reads from a Gamma market's own fields: whether it is a BTC
 * up/down market, its resolution rule, its fee schedule and its Up/Down tokens. Pure.
 */
import type { FeeSchedule, MarketToken, ResolutionRule } from '../core/events.ts';
import { CRYPTO_FEES, FEE_FREE } from '../core/fees.ts';
import type { GammaMarket } from './gamma.ts';

/**
 * BTC up/down by slug or title — the stricter check real discovery uses. The title
 * ("Bitcoin Up or Down - …", as in every fixture) lets a window found through its series
 * pass even when its slug follows a format we do not know yet.
 */
export function isBtcUpDown(slug: string, question: string | undefined): boolean {
  return slug.startsWith('btc-updown-') || slug.startsWith('bitcoin-up-or-down-') || /^bitcoin up or down\b/i.test(question ?? '');
}

/**
 * The resolution rule, read from the market's own words. Texts (fixtures and the public
 * rules on polymarket.com):
 * - 5m/15m/4h: "…price at the end … greater than or equal to the price at the beginning…
 *   Chainlink … BTC/USD data stream" → end ≥ start on Chainlink.
 * - short windows with `cryptoMarketConfig.twapEnabled` and a 30 s or 60 s lookback
 *   (resolutionSource `…/btc-usd-twap-60s-streams`) → the Chainlink-computed TWAP over that
 *   lookback (`twap_gte_start`); both lookbacks are known, a third is rejected.
 * - hourly: "close price … greater than or equal to the open price for the BTC/USDT 1 hour
 *   candle … Binance" → candle close ≥ open.
 * - daily: "the 'Close' price for the Binance 1 minute candle for BTCUSDT … 12:00 in the ET
 *   timezone (noon)" vs the next day's, "exactly equal … will resolve 50-50"
 *   (polymarket.com/event/bitcoin-up-or-down-on-may-17, read 2026-12-06) → `minute_close_vs_close`.
 * Anything else is unknown (null): the market is rejected, never given a guessed rule.
 */
export function detectResolution(m: Pick<GammaMarket, 'description' | 'resolutionSource' | 'cryptoMarketConfig'>): ResolutionRule | null {
  const text = `${m.description ?? ''}\n${m.resolutionSource ?? ''}`.toLowerCase();
  const cfg = m.cryptoMarketConfig;
  const twap = cfg?.twapEnabled === true || /twap|time-weighted|average/.test(text);
  // The TWAP fixture has no description, only `data.chain.link/streams/…` as source.
  if (text.includes('chainlink') || text.includes('data.chain.link')) {
    if (!twap) return { rule: 'end_gte_start', source: 'chainlink' };
    const lookback =
      cfg?.twapLookbackSeconds ?? (/twap-60s|60-second|60 second/.test(text) ? 60 : /twap-30s|30-second|30 second/.test(text) ? 30 : null);
    return lookback === 60 || lookback === 30 ? { rule: 'twap_gte_start', source: 'chainlink', lookback_s: lookback } : null;
  }
  if (text.includes('binance')) {
    if (/1 hour candle|1h candle|"1h"/.test(text)) return { rule: 'candle_close_gte_open', source: 'binance' };
    if (/1 minute candle|1m candle|"1m"/.test(text)) return { rule: 'minute_close_vs_close', source: 'binance' };
  }
  return null;
}

/**
 * The crypto fee types Gamma sends: `crypto_fees` (older 5m fixture) and `crypto_fees_v2`
 * (live crypto markets in 2026: rate 0.07, exponent 1, takerOnly, rebateRate 0.2 — Gamma
 * fields as recorded in public research notes and fee tables read through the `search`
 * tool, 2026-12-06). Gamma's keyset listing sends `feeType` without `feeSchedule`.
 */
const CRYPTO_FEE_TYPES = new Set(['crypto_fees', 'crypto_fees_v2']);

/**
 * Fee schedule: `feeSchedule` when Gamma sends it (twap fixture: rate 0.07, exponent 1,
 * takerOnly; `rebateRate` when present); fee-free when `feesEnabled` is false; a crypto
 * `feeType` without a schedule is the documented crypto schedule (docs.polymarket.com
 * "Fees": rate 0.07, exponent 1, takers only), with no rebate assumed. Otherwise unknown → null.
 */
export function mapFee(m: Pick<GammaMarket, 'feesEnabled' | 'feeType' | 'feeSchedule'>): FeeSchedule | null {
  const s = m.feeSchedule;
  if (s) {
    const fee: FeeSchedule = { rate: s.rate, exponent: s.exponent, taker_only: s.takerOnly };
    if (s.rebateRate !== undefined) fee.rebate_rate = s.rebateRate;
    return fee;
  }
  if (m.feesEnabled === false) return { ...FEE_FREE };
  if (m.feeType && CRYPTO_FEE_TYPES.has(m.feeType)) return { ...CRYPTO_FEES };
  return null;
}

/** Tokens in [Up, Down] order, matched by the outcomes array (never by position). */
export function mapTokens(outcomes: readonly string[], tokenIds: readonly string[]): [MarketToken, MarketToken] | null {
  if (outcomes.length !== 2 || tokenIds.length !== 2) return null;
  const up = outcomes.findIndex((o) => o.trim().toLowerCase() === 'up');
  const down = outcomes.findIndex((o) => o.trim().toLowerCase() === 'down');
  if (up < 0 || down < 0 || up === down) return null;
  const upId = tokenIds[up];
  const downId = tokenIds[down];
  if (!upId || !downId || upId === downId) return null;
  return [
    { token_id: upId, outcome: 'Up' },
    { token_id: downId, outcome: 'Down' },
  ];
}
