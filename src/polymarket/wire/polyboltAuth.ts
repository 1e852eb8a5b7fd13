/**
 * PolyBolt's CLOB API credentials, and the one frame they may ever appear in: the auth frame
 * `{"op":"auth","rid","auth":{"apiKey","secret","passphrase"}}` PolyBolt needs before its
 * reference-price channels (docs.polymarket.com/api-reference/live-data/overview, read through
 * the `search` tool on 2026-12-06).
 *
 * The values live in private fields: JSON (the journal, the API, a log line), `String()` and
 * Node's inspector all show `[redacted]`, so the credentials cannot be logged or journaled by
 * accident. This file and the config reader are the only source files allowed to name them
 * (test/unit/safety.test.ts), and this auth frame is the only non-read frame the
 * `polylab/read-only-network` lint accepts (its `authFrameFiles` option). These are data-only
 * keys: they authenticate a read, they sign nothing, and no order endpoint exists here.
 */
const REDACTED = '[redacted PolyBolt credentials]';

export class PolyBoltCredentials {
  readonly #apiKey: string;
  readonly #secret: string;
  readonly #passphrase: string;

  constructor(apiKey: string, secret: string, passphrase: string) {
    if (!apiKey || !secret || !passphrase) throw new RangeError('PolyBolt credentials need an API key, a secret and a passphrase');
    this.#apiKey = apiKey;
    this.#secret = secret;
    this.#passphrase = passphrase;
  }

  /** The auth frame, sent once per connection before subscribing. */
  authFrame(): string {
    return JSON.stringify({ op: 'auth', rid: 'a1', auth: { apiKey: this.#apiKey, secret: this.#secret, passphrase: this.#passphrase } });
  }

  toJSON(): string {
    return REDACTED;
  }

  toString(): string {
    return REDACTED;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return REDACTED;
  }
}
