/**
 * `DIR/gamma/<slug>.json`: one Gamma event with its markets, as Gamma returns it (the
 * object of `/events/slug/<slug>`, or the one-element array of `/events?slug=<slug>`).
 *
 * Fields read (Gamma `/events` and `/markets`, docs.polymarket.com "Get events" and the
 * fixtures in test/fixtures/polymarket/, checked 2026-12-06): per market `version`,
 * `positionIds` / `clobTokenIds` (src/polymarket/outcomeIds.ts picks by version),
 * `outcomes`, `outcomePrices` (JSON strings; a resolved market shows `["1","0"]` for the
 * winner first — `["0","0"]`, a fractional price or no field at all means Polymarket has
 * not resolved it yet), `eventStartTime`, `endDate`, tick, minimum size, fee schedule,
 * `cryptoMarketConfig`; per event `eventMetadata.priceToBeat`.
 *
 * A history market is mapped exactly as discovery maps a live one (mapGammaMarket), seen as
 * it was while it traded: Gamma's `closed` / `active` / `acceptingOrders` describe it now,
 * after the window, so they are set back to what they were during it.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { MarketInfo, Outcome } from '../core/events.ts';
import { readOutcomePrices } from '../polymarket/gammaOfficial.ts';
import { mapGammaMarket, isBtcUpDown } from '../polymarket/discovery.ts';
import { dropMalformed, GammaEventSchema, OPTIONAL_EVENT_FIELDS } from '../polymarket/gamma.ts';
import type { Problem } from './problems.ts';

/** Polymarket's own result of a market, as its `outcomePrices` say. */
/** `split`: a 50-50 (each share pays 0.5); the winner then names the Up token by convention, as on the live path. */
export type OfficialResult =
  { resolved: true; winningTokenId: string; winningOutcome: Outcome; split?: true } | { resolved: false; why: string };

export interface HistoryMarket {
  info: MarketInfo;
  version: 'v1' | 'v2';
  result: OfficialResult;
}

export interface GammaArchive {
  markets: HistoryMarket[];
  /** Markets of the files that are not BTC up/down (other assets, other topics): left out. */
  decoys: number;
  /** BTC up/down markets Gamma lists but that could not be mapped (reason in problems). */
  rejected: number;
  problems: Problem[];
}

/**
 * `outcomePrices` → the winner, a 50-50, or why the market counts as unresolved. Read by the
 * live path's one reader (polymarket/gammaOfficial.ts), so both settle the same way.
 */
export function officialResult(raw: Record<string, unknown>, info: MarketInfo): OfficialResult {
  const r = readOutcomePrices(raw, info);
  if (r.kind === 'winner') return { resolved: true, winningTokenId: r.token.token_id, winningOutcome: r.token.outcome };
  if (r.kind === 'split') {
    const up = info.tokens.find((t) => t.outcome === 'Up');
    if (up) return { resolved: true, winningTokenId: up.token_id, winningOutcome: 'Up', split: true };
    return { resolved: false, why: 'a 50-50 on a market without an Up token' };
  }
  return { resolved: false, why: r.why };
}

/** The market as it was during its window (see the module comment). */
function asWhileLive(raw: Record<string, unknown>): Record<string, unknown> {
  return { ...raw, closed: false, active: true, acceptingOrders: true };
}

function readEvent(file: string): { event: Record<string, unknown> } | { problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    return { problem: `not JSON (${(err as Error).message.slice(0, 80)})` };
  }
  if (Array.isArray(value)) {
    if (value.length !== 1) return { problem: `an array of ${value.length} items, not one event` };
    value = value[0];
  }
  if (typeof value !== 'object' || value === null || !Array.isArray((value as { markets?: unknown }).markets))
    return { problem: 'not a Gamma event (no "markets" list)' };
  return { event: value as Record<string, unknown> };
}

/** Reads every `*.json` of `dir` (sorted), mapping the BTC up/down markets. */
export function readGammaArchive(dir: string): GammaArchive {
  const out: GammaArchive = { markets: [], decoys: 0, rejected: 0, problems: [] };
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.json')) : [];
  const seen = new Set<string>();
  for (const name of files.sort()) {
    const file = path.join(dir, name);
    const r = readEvent(file);
    if ('problem' in r) {
      out.problems.push({ file, where: null, reason: r.problem });
      continue;
    }
    const ev = GammaEventSchema.safeParse(dropMalformed(r.event, OPTIONAL_EVENT_FIELDS).value);
    if (!ev.success) {
      out.problems.push({ file, where: null, reason: 'not a Gamma event (malformed)' });
      continue;
    }
    for (const rawMarket of ev.data.markets ?? []) {
      if (typeof rawMarket !== 'object' || rawMarket === null) continue;
      const raw = rawMarket as Record<string, unknown>;
      if (!isBtcUpDown(String(raw.slug ?? ''), typeof raw.question === 'string' ? raw.question : undefined)) {
        out.decoys += 1;
        continue;
      }
      const m = mapGammaMarket(asWhileLive(raw), ev.data);
      if (m.kind !== 'market') {
        out.rejected += 1;
        out.problems.push({ file, where: String(raw.slug ?? '?'), reason: m.reason });
        continue;
      }
      if (seen.has(m.market.market_id)) continue;
      seen.add(m.market.market_id);
      out.markets.push({ info: m.market, version: m.version, result: officialResult(raw, m.market) });
    }
  }
  out.markets.sort((a, b) => a.info.window_start_ms - b.info.window_start_ms || a.info.slug.localeCompare(b.info.slug));
  return out;
}
