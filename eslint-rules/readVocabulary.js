/**
 * What counts as a read on the wire — one vocabulary for the lint rule (read-only-network.js)
 * and the runtime check of the integration fakes (test/integration/fakes/readOnly.ts).
 */
export const READ_METHODS = new Set(['GET', 'HEAD']);
export const READ_WORDS = new Set(['subscribe', 'unsubscribe', 'ping', 'pong', 'heartbeat', 'market']);
/** Fields that say what a frame is (`{"op":"subscribe"}`, `{"type":"market"}`, `{"event":"bts:subscribe"}`…). */
export const DISCRIMINANTS = new Set(['type', 'op', 'method', 'event', 'action', 'operation']);
/** Fields no read frame carries. */
export const DENIED_KEYS = new Set(['order', 'orders', 'signature', 'auth', 'apikey', 'api_key', 'secret', 'passphrase', 'owner']);

/** `bts:heartbeat` → heartbeat; case does not matter (`SUBSCRIBE`, `PING`). */
export const isReadWord = (s) => READ_WORDS.has(s.toLowerCase().replace(/^[a-z]+:/, ''));

/** Why a text frame is not a read, or null when it is one. */
export function frameProblem(text) {
  const t = text.trim();
  if (!t.startsWith('{')) return isReadWord(t) ? null : `"${t.slice(0, 40)}" is not a read`;
  let v;
  try {
    v = JSON.parse(t);
  } catch {
    return `unparseable frame ${t.slice(0, 40)}`;
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return `frame ${t.slice(0, 40)} is not an object`;
  const keys = Object.keys(v);
  const denied = keys.find((k) => DENIED_KEYS.has(k.toLowerCase()));
  if (denied) return `a frame with a ${denied} field`;
  const kinds = keys.filter((k) => DISCRIMINANTS.has(k));
  if (kinds.length === 0) return `frame ${t.slice(0, 40)} does not say what it is`;
  const bad = kinds.find((k) => typeof v[k] !== 'string' || !isReadWord(v[k]));
  return bad ? `${bad} ${JSON.stringify(v[bad])} is not a read` : null;
}
