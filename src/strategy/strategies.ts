/** Strategy selection by name (config `POLYLAB_STRATEGY`). */
import { DivergenceStrategy } from './divergence.ts';
import type { Strategy } from './types.ts';

export interface StrategyParams {
  divergenceThreshold: number;
  orderQtyShares: number;
}

export function createStrategy(name: string, p: StrategyParams): Strategy {
  switch (name) {
    case 'divergence':
      return new DivergenceStrategy(p.divergenceThreshold, p.orderQtyShares);
    default:
      throw new RangeError(`unknown strategy ${JSON.stringify(name)}`);
  }
}
