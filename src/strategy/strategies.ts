/** Strategy selection by name (config `POLYLAB_STRATEGY`). */
import { DivergenceStrategy } from './divergence.ts';
import { FairValueStrategy } from './fairValue.ts';
import { DEFAULT_MAKER, MakerStrategy, type MakerParams } from './maker.ts';
import type { Strategy } from './types.ts';

export interface StrategyParams {
  divergenceThreshold: number;
  orderQtyShares: number;
  /** fair-value: minimum edge (probability points, net of fees) to buy. */
  edgeMin?: number;
  /** fair-value: sell when the holding's edge over the bid falls to this or below. */
  edgeExit?: number;
  /** maker: its quoting settings (strategy/maker.ts). */
  maker?: MakerParams;
}

/**
 * Every strategy by its config name. Adding one: write its file (implementing `Strategy`)
 * and add one line here; config (`POLYLAB_STRATEGY`) accepts the names from this table.
 */
const FACTORIES = {
  divergence: (p: StrategyParams) => new DivergenceStrategy(p.divergenceThreshold, p.orderQtyShares),
  'fair-value': (p: StrategyParams) => new FairValueStrategy(p.edgeMin ?? 0.03, p.orderQtyShares, p.edgeExit ?? 0),
  maker: (p: StrategyParams) => new MakerStrategy(p.maker ?? DEFAULT_MAKER),
} satisfies Record<string, (p: StrategyParams) => Strategy>;

export type StrategyName = keyof typeof FACTORIES;
export const STRATEGY_NAMES = Object.keys(FACTORIES) as [StrategyName, ...StrategyName[]];

export function createStrategy(name: string, p: StrategyParams): Strategy {
  if (!Object.hasOwn(FACTORIES, name)) throw new RangeError(`unknown strategy ${JSON.stringify(name)}`);
  return FACTORIES[name as StrategyName](p);
}
