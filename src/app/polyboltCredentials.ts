/**
 * PolyBolt credentials from the environment or a file, validated once: all three of
 * `POLYLAB_POLYBOLT_API_KEY`, `POLYLAB_POLYBOLT_SECRET`, `POLYLAB_POLYBOLT_PASSPHRASE`, or a
 * JSON file `{"apiKey","secret","passphrase"}` named by `POLYLAB_POLYBOLT_CREDENTIALS_FILE`
 * (kept out of the shell history and the process list). None at all: no PolyBolt, the lab
 * reads the legacy data socket (RTDS). A partial set is a configuration error that names
 * the variables — never their values.
 */
import { readFileSync } from 'node:fs';
import { PolyBoltCredentials } from '../polymarket/wire/polyboltAuth.ts';
import { ConfigError } from './configError.ts';

export const POLYBOLT_ENV = {
  apiKey: 'POLYLAB_POLYBOLT_API_KEY',
  secret: 'POLYLAB_POLYBOLT_SECRET',
  passphrase: 'POLYLAB_POLYBOLT_PASSPHRASE',
  file: 'POLYLAB_POLYBOLT_CREDENTIALS_FILE',
} as const;

const ACCEPTED = `all three of ${POLYBOLT_ENV.apiKey}, ${POLYBOLT_ENV.secret}, ${POLYBOLT_ENV.passphrase}, or ${POLYBOLT_ENV.file} naming a JSON file {"apiKey","secret","passphrase"}, or none (RTDS is used)`;

export function readPolyBoltCredentials(
  env: Record<string, string | undefined>,
  readFile: (path: string) => string = (p) => readFileSync(p, 'utf8'),
): PolyBoltCredentials | null {
  const values = [env[POLYBOLT_ENV.apiKey], env[POLYBOLT_ENV.secret], env[POLYBOLT_ENV.passphrase]].map((v) => v?.trim() ?? '');
  const file = env[POLYBOLT_ENV.file]?.trim() ?? '';
  const given = values.filter((v) => v !== '').length;
  if (file !== '' && given > 0)
    throw new ConfigError(
      POLYBOLT_ENV.file,
      `Set either ${POLYBOLT_ENV.file} or the three variables, not both: accepted values are ${ACCEPTED}`,
    );
  if (file !== '') return fromFile(file, readFile);
  if (given === 0) return null;
  if (given < 3) {
    const missing = [POLYBOLT_ENV.apiKey, POLYBOLT_ENV.secret, POLYBOLT_ENV.passphrase].filter((_, i) => values[i] === '');
    throw new ConfigError(missing[0]!, `Missing ${missing.join(', ')}: accepted values are ${ACCEPTED}`);
  }
  return new PolyBoltCredentials(values[0]!, values[1]!, values[2]!);
}

function fromFile(path: string, readFile: (path: string) => string): PolyBoltCredentials {
  let v: unknown;
  try {
    v = JSON.parse(readFile(path));
  } catch (err) {
    // The message names the file and the failure, never the contents.
    const why = err instanceof SyntaxError ? 'not JSON' : 'unreadable';
    throw new ConfigError(
      POLYBOLT_ENV.file,
      `Invalid ${POLYBOLT_ENV.file}=${JSON.stringify(path)} (${why}): accepted values are ${ACCEPTED}`,
    );
  }
  const o = typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
  const [k, s, p] = [o.apiKey, o.secret, o.passphrase].map((x) => (typeof x === 'string' ? x.trim() : ''));
  if (!k || !s || !p)
    throw new ConfigError(
      POLYBOLT_ENV.file,
      `Invalid ${POLYBOLT_ENV.file}=${JSON.stringify(path)} (needs apiKey, secret and passphrase strings): accepted values are ${ACCEPTED}`,
    );
  return new PolyBoltCredentials(k, s, p);
}
