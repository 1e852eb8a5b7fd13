/**
 * The venue adapter registry. Every adapter implements the pure `VenueAdapter` contract
 * (./types.ts); the feed layer looks adapters up here by configured venue name.
 */
import type { VenueName } from '../../config.ts';
import { binance } from './binance.ts';
import { bitstamp } from './bitstamp.ts';
import { bybit } from './bybit.ts';
import { coinbase } from './coinbase.ts';
import { kraken } from './kraken.ts';
import { okx } from './okx.ts';
import type { VenueAdapter } from './types.ts';

export const ADAPTERS: Readonly<Record<VenueName, VenueAdapter>> = Object.freeze({ coinbase, kraken, bitstamp, okx, bybit, binance });

export function adapterFor(venue: VenueName): VenueAdapter | undefined {
  return ADAPTERS[venue];
}
