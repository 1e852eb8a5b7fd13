/**
 * The sim's other traders, who take liquidity and so print the public tape (`market_trade`)
 * that resting orders fill from (paper/queue.ts) and tape confirmation reads:
 *
 * - Noise takers trade at random moments (`noiseTakersPerMin` per market on average), on a
 *   random side, an exponential size with mean `noiseTakerShares`, as market orders.
 * - Informed takers look at the book `informedTakersPerMin` times a minute and compare it
 *   with the true probability of Up: when the best ask is at least `informedEdge` below the
 *   truth they buy (up to `informedTakerShares`, at prices still `informedEdge` below it),
 *   when the best bid is that far above it they sell. The efficient makers requote at random
 *   moments, so between requotes their book is stale, and informed flow picks it off: what a
 *   resting quote earns from noise it loses to them.
 *
 * Each matched level prints on the Up token and, mirrored, on the Down token (a Down bid at
 * q is an Up ask at 1 − q: one match, seen from both tokens). Prints come in the step the
 * trade happens, the book change they cause at the next publication — so a print is seen
 * before the depth it removed, as the queue model expects. Takers draw from their own RNG
 * stream: the world, the venues and the makers' books see the same numbers as without them.
 */
import type { InputEvent, Level, MarketInfo } from '../core/events.ts';
import type { Rng } from '../core/rng.ts';
import type { SimRealism } from './profile.ts';
import { STEP_MS } from './world.ts';

/** What a taker needs of a market's book (MakerBook, NoisyBook). */
export interface TakeableBook {
  touch(): { bid: number | null; ask: number | null };
  take(buy: boolean, qty: number, limitPx: number): Level[];
}

const round2 = (x: number): number => Math.round(x * 100) / 100;

/** The takers' trades on one market this step, as prints. `trueUp` is null before the market's price to beat. */
export function* takerTrades(
  info: MarketInfo,
  book: TakeableBook,
  trueUp: number | null,
  r: SimRealism,
  rng: Rng,
  tsMs: number,
): Generator<InputEvent> {
  // Both draws happen every step, whatever the book shows: the stream stays aligned.
  const noise = rng.next() < (r.noiseTakersPerMin * STEP_MS) / 60_000;
  const noiseBuy = rng.next() < 0.5;
  const noiseQty = Math.max(1, Math.round(rng.exponential(r.noiseTakerShares)));
  const looks = rng.next() < (r.informedTakersPerMin * STEP_MS) / 60_000;
  if (noise) yield* prints(info, book.take(noiseBuy, noiseQty, noiseBuy ? 0.99 : 0.01), noiseBuy, tsMs);
  if (!looks || trueUp === null) return;
  const { bid, ask } = book.touch();
  if (ask !== null && trueUp - ask >= r.informedEdge - 1e-9)
    yield* prints(info, book.take(true, r.informedTakerShares, trueUp - r.informedEdge), true, tsMs);
  else if (bid !== null && bid - trueUp >= r.informedEdge - 1e-9)
    yield* prints(info, book.take(false, r.informedTakerShares, trueUp + r.informedEdge), false, tsMs);
}

function* prints(info: MarketInfo, matched: readonly Level[], buyUp: boolean, tsMs: number): Generator<InputEvent> {
  const [up, down] = info.tokens;
  for (const [px, qty] of matched) {
    const base = { event_type: 'market_trade', market_id: info.market_id, ts_exchange_ms: tsMs, ts_unix_ms: tsMs } as const;
    yield { ...base, token_id: up.token_id, px, qty, side: buyUp ? 'buy' : 'sell' };
    yield { ...base, token_id: down.token_id, px: round2(1 - px), qty, side: buyUp ? 'sell' : 'buy' };
  }
}
