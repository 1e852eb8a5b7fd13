/** What the analytics keep per decision and per fill: the records the report is built from. */
import type { Level, MarketFamily } from '../core/events.ts';
import type { PaperFill } from '../core/outputs.ts';
import type { ModelPrices, PricedTrade } from './fillModels.ts';
import type { MarkedFill } from './markouts.ts';
import type { TapeEvidence } from './tape.ts';

export interface IntentRecord {
  strategy: string;
  market_id: string;
  token_id: string;
  side: 'buy' | 'sell';
  limit_px: number;
  decision_ms: number;
  /** The touch on the taking side at the decision (optimistic model). */
  touch_px: number | null;
  /** The taking side at twice the latency (pessimistic model); null until then, and again once its fills are priced. */
  late_levels: Level[] | null;
  late_due_ms: number;
}

export interface FillRecord {
  strategy: string;
  family: MarketFamily | null;
  fill: PaperFill;
  intent: IntentRecord | null;
  marks: MarkedFill;
  tape: TapeEvidence | null;
  /** Settled contribution to PnL under each fill model; null until the market settles. */
  pnl: ModelPrices | null;
  /** The trade under the three price models, fixed at the market's first result (a correction changes only the payout). */
  priced: PricedTrade | null;
}
