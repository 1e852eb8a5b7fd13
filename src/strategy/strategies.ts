/** Strategy selection by name (config `POLYLAB_STRATEGY`). */
import { DivergenceStrategy } from './divergence.ts';
import { FairValueStrategy } from './fairValue.ts';
import type { Strategy } from './types.ts';

export interface StrategyParams {
  divergenceThreshold: number;
  orderQtyShares: number;
  /** fair-value: minimum edge (probability points, net of fees) to buy. */
  edgeMin?: number;
  /** fair-value: sell when the holding's edge over the bid falls to this or below. */
  edgeExit?: number;
}

export const STRATEGY_NAMES = ['divergence', 'fair-value'] as const;

export function createStrategy(name: string, p: StrategyParams): Strategy {
  switch (name) {
    case 'divergence':
      return new DivergenceStrategy(p.divergenceThreshold, p.orderQtyShares);
    case 'fair-value':
      return new FairValueStrategy(p.edgeMin ?? 0.03, p.orderQtyShares, p.edgeExit ?? 0);
    default:
      throw new RangeError(`unknown strategy ${JSON.stringify(name)}`);
  }
}
