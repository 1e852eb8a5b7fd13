/**
 * Polymarket's own numbers on a Gamma event after its window has ended: the result its
 * market's `outcomePrices` show, and `eventMetadata.finalPrice`.
 *
 * Rollover drops a market once its window ends, so a `finalPrice` or result Gamma publishes
 * after the end would never reach the resolution watcher; the watcher instead asks for the
 * ended event by slug (paced, one request in flight per market, until the official result
 * or its give-up time) through `fetchGammaOfficial`.
 *
 * `outcomePrices` (a JSON array in a string, in the order of `outcomes`): `["1","0"]` /
 * `["0","1"]` name the winner; `["0.5","0.5"]` is read as a 50-50 (every share pays 0.5).
 * That last form is not shown in Polymarket's docs (searched 2026-12-06 through the `search`
 * tool): it is the payout vector of a 50-50 — the daily markets "will resolve 50-50" on a tie
 * (polymarket.com/event/bitcoin-up-or-down-on-may-17), the CLOB flags such markets
 * `is_50_50_outcome`, and a 50/50 result is reported on-chain as 0.5 for each outcome
 * (dev.predict.fun/concepts/resolution, for the same CTF adapters). `["0","0"]`, a price in
 * between or no field at all: not resolved yet.
 * Before the end the same field carries live prices (0.5/0.5 is a common one), so a result
 * is read only from a market Gamma reports `closed`.
 */
import type { MarketInfo, MarketToken } from '../core/events.ts';
import type { OfficialClaim } from '../core/resolution.ts';
import { dropMalformed, GammaEventSchema, OPTIONAL_EVENT_FIELDS, type GammaClient } from './gamma.ts';
import { selectOutcomeIds } from './outcomeIds.ts';
import type { GammaOfficial, GammaOfficialResult } from './resolutionWatcher.ts';

/** What a market's `outcomePrices` say. */
export type OutcomePrices = { kind: 'winner'; token: MarketToken } | { kind: 'split' } | { kind: 'unresolved'; why: string };

function stringList(v: unknown): unknown[] | null {
  try {
    const x = typeof v === 'string' ? (JSON.parse(v) as unknown) : v;
    return Array.isArray(x) ? x : null;
  } catch {
    return null;
  }
}

/** A price field read exactly: a number or a decimal string, else NaN. */
const priceOf = (p: unknown): number => (typeof p === 'number' || (typeof p === 'string' && p.trim() !== '') ? Number(p) : NaN);

/** `outcomePrices` of a raw Gamma market → the winner of `info`, a 50-50, or why it is not resolved. Pure. */
export function readOutcomePrices(raw: Record<string, unknown>, info: MarketInfo): OutcomePrices {
  if (raw.outcomePrices === undefined || raw.outcomePrices === null) return { kind: 'unresolved', why: 'no outcomePrices' };
  const prices = stringList(raw.outcomePrices)?.map(priceOf) ?? null;
  const outcomes = stringList(raw.outcomes);
  if (prices === null || outcomes === null || prices.length !== 2 || outcomes.length !== 2)
    return { kind: 'unresolved', why: 'outcomePrices do not match outcomes' };
  if (prices.every((p) => p === 0.5)) return { kind: 'split' };
  const won = prices.findIndex((p) => p === 1);
  if (won < 0 || prices[1 - won] !== 0) return { kind: 'unresolved', why: `outcomePrices ${JSON.stringify(prices)}: not resolved` };
  const label = String(outcomes[won]).toLowerCase();
  const token = info.tokens.find((t) => t.outcome.toLowerCase() === label);
  return token ? { kind: 'winner', token } : { kind: 'unresolved', why: `winning outcome ${String(outcomes[won])} is not Up or Down` };
}

/** The official result `raw` (the market of `info` on its Gamma event) shows, as a claim the watcher checks; or null. */
function claimOf(raw: Record<string, unknown>, info: MarketInfo): OfficialClaim | null {
  if (raw.closed !== true) return null;
  const r = readOutcomePrices(raw, info);
  if (r.kind === 'unresolved') return null;
  // The claim carries Gamma's own ids, so the integrity rule compares them with the market's.
  const ids = selectOutcomeIds(raw);
  const token_ids = ids.ok ? ids.ids : [];
  return r.kind === 'split'
    ? { market_id: info.market_id, token_ids, winning_token_id: '', winning_outcome: null, split: true }
    : { market_id: info.market_id, token_ids, winning_token_id: r.token.token_id, winning_outcome: r.token.outcome };
}

/** What the events of a `/events?slug=…` answer say of `info`'s market. Pure. */
export function gammaOfficialOf(events: readonly unknown[], info: MarketInfo): GammaOfficial {
  for (const e of events) {
    const ev = GammaEventSchema.safeParse(dropMalformed(e, OPTIONAL_EVENT_FIELDS).value);
    if (!ev.success) continue;
    const raw = (ev.data.markets ?? []).find(
      (m): m is Record<string, unknown> =>
        typeof m === 'object' && m !== null && (m as { conditionId?: unknown }).conditionId === info.market_id,
    );
    if (!raw) continue;
    return { final_price: ev.data.eventMetadata?.finalPrice ?? null, claim: claimOf(raw, info) };
  }
  return { final_price: null, claim: null };
}

/** Asks Gamma for `info`'s event by slug (the up/down events share their market's slug). Never throws. */
export async function fetchGammaOfficial(client: GammaClient, info: MarketInfo): Promise<GammaOfficialResult> {
  const res = await client.events({ slug: info.slug });
  return res.ok ? { ok: true, value: gammaOfficialOf(res.data, info) } : { ok: false, retryAfterMs: res.retryAfterMs };
}
