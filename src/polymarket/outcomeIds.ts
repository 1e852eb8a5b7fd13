/**
 * Which ids a Gamma market's outcomes trade under — the ids order books, prices and
 * market-socket subscriptions use. Pure.
 *
 * Polymarket Protocol V2 (docs.polymarket.com/migrate/polymarket-v2/api-integrations,
 * "Select the Trading ID", stored copy, read 2026-11-30): choose the field by the market's
 * `version`, even when both fields are present —
 *   `"v2"` → `positionIds`, an array of decimal strings;
 *   `"v1"` → `clobTokenIds`, a JSON-encoded array of decimal strings —
 * and "reject missing or unsupported versions, unmatched outcomes, and missing or
 * non-decimal IDs". Older captures and our fixtures predate `version`: a market with no
 * `version` and no `positionIds` is a legacy v1 market; one that carries `positionIds`
 * without a `version` is ambiguous and rejected. Polymarket's TypeScript SDK
 * (github.com/Polymarket/ts-sdk, packages/bindings/src/gamma/market.ts) also accepts
 * `positionIds` JSON-encoded, so both forms are read.
 */

export type OutcomeIdsRejection = 'unsupported_version' | 'position_ids_without_version' | 'missing_ids' | 'non_decimal_ids';

export type OutcomeIds =
  { ok: true; version: 'v1' | 'v2'; legacy: boolean; ids: string[] } | { ok: false; code: OutcomeIdsRejection; reason: string };

/** A uint256 written in decimal, without sign or leading zeros. */
const DECIMAL_ID = /^(0|[1-9][0-9]{0,77})$/;

/** An array of strings, given as such or JSON-encoded in a string; null when neither. */
function stringArray(v: unknown): string[] | null {
  let x = v;
  if (typeof x === 'string') {
    try {
      x = JSON.parse(x) as unknown;
    } catch {
      return null;
    }
  }
  return Array.isArray(x) && x.every((e) => typeof e === 'string') ? (x as string[]) : null;
}

function ids(field: 'positionIds' | 'clobTokenIds', v: unknown, version: 'v1' | 'v2', legacy: boolean): OutcomeIds {
  if (v === undefined || v === null) return { ok: false, code: 'missing_ids', reason: `version ${version} market without ${field}` };
  const list = stringArray(v);
  if (list === null || list.length === 0) return { ok: false, code: 'missing_ids', reason: `${field} is not a list of ids` };
  const bad = list.find((id) => !DECIMAL_ID.test(id));
  if (bad !== undefined)
    return { ok: false, code: 'non_decimal_ids', reason: `${field} holds a non-decimal id ${JSON.stringify(bad.slice(0, 80))}` };
  return { ok: true, version, legacy, ids: list };
}

/** The outcome ids of a raw Gamma market by its `version`, or why it is rejected. */
export function selectOutcomeIds(m: { version?: unknown; positionIds?: unknown; clobTokenIds?: unknown }): OutcomeIds {
  const version = m.version;
  if (version === 'v2') return ids('positionIds', m.positionIds, 'v2', false);
  if (version === 'v1') return ids('clobTokenIds', m.clobTokenIds, 'v1', false);
  if (version !== undefined && version !== null)
    return { ok: false, code: 'unsupported_version', reason: `version ${JSON.stringify(version)} is not supported (v1 or v2)` };
  // An empty list names no ids, so it is no ambiguity; any id in it is.
  const positionIds = m.positionIds === undefined || m.positionIds === null ? [] : (stringArray(m.positionIds) ?? [m.positionIds]);
  if (positionIds.length > 0)
    return { ok: false, code: 'position_ids_without_version', reason: 'positionIds without a version: cannot tell which ids trade' };
  return ids('clobTokenIds', m.clobTokenIds, 'v1', true);
}
