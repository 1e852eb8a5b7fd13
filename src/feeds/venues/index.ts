/**
 * The venue adapter registry. Every adapter implements the pure `VenueAdapter` contract
 * (./types.ts); the feed layer looks adapters up here by configured venue name.
 */
import type { VenueName } from '../../config.ts';
import { bitstamp } from './bitstamp.ts';
import { coinbase } from './coinbase.ts';
import { kraken } from './kraken.ts';
import type { VenueAdapter } from './types.ts';

/**
 * Partial until every venue has an adapter: a configured venue without one is reported as
 * `down` ("no adapter") instead of failing the whole run.
 */
export const ADAPTERS: Partial<Record<VenueName, VenueAdapter>> = {
  coinbase,
  kraken,
  bitstamp,
  // okx, bybit, binance: added here (import from './okx.ts', './bybit.ts', './binance.ts') when their adapters land.
};

export function adapterFor(venue: VenueName): VenueAdapter | undefined {
  return ADAPTERS[venue];
}
