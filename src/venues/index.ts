/**
 * The venue registry: the one list of venues. Each adapter carries its own default URL,
 * and symbol; config, the sim (through the composition) and the live feeds all
 * derive their venue lists from here. Adding a venue = its adapter file + its test + its
 * fixture + one line below.
 */
import { binance } from './binance.ts';
import { bitstamp } from './bitstamp.ts';
import { bybit } from './bybit.ts';
import { coinbase } from './coinbase.ts';
import { kraken } from './kraken.ts';
import { okx } from './okx.ts';
import type { VenueAdapter } from './types.ts';

export const ADAPTERS = Object.freeze({ coinbase, kraken, bitstamp, okx, bybit, binance } satisfies Record<string, VenueAdapter>);

export type VenueName = keyof typeof ADAPTERS;
/** Every venue, in the registry's order (the default of `POLYLAB_VENUES`). */
export const VENUE_NAMES = Object.keys(ADAPTERS) as [VenueName, ...VenueName[]];

/**
 * Region profiles (`POLYLAB_REGION`): where the default venue list or a venue's endpoint
 * differs by where the lab runs. Binance.com answers HTTP 451 and Bybit HTTP 403 from the
 * US; the `us` profile reads Binance.US instead (wss://stream.binance.us:9443/ws, the
 * Binance spot stream protocol — nautilus_trader `BINANCE_US_SPOT_WS_URL`; pair BTCUSD) and
 * leaves Bybit and OKX out, so four venues feed the median.
 */
export const REGIONS = ['global', 'us'] as const;
export type Region = (typeof REGIONS)[number];

export interface RegionProfile {
  venues: readonly VenueName[];
  endpoints: Partial<Record<VenueName, { url: string; symbol: string }>>;
}

export const REGION_PROFILES: Readonly<Record<Region, RegionProfile>> = Object.freeze({
  global: { venues: VENUE_NAMES, endpoints: {} },
  us: {
    venues: ['coinbase', 'kraken', 'bitstamp', 'binance'],
    endpoints: { binance: { url: 'wss://stream.binance.us:9443/ws', symbol: 'btcusd' } },
  },
});

/** Where one venue is read from: its name, socket URL and traded symbol. */
export interface VenueEndpoint {
  venue: VenueName;
  url: string;
  symbol: string;
}
