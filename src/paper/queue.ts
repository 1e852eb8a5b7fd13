/**
 * Queue position of a resting paper order (pure), from L2 data: the book shows only the
 * total size at each price, so where we stand in a level's queue is estimated
 * (docs/methodology.md §4, "Resting orders").
 *
 * - Joining: the order queues behind the whole size shown at its price when it starts
 *   resting (a new price level: nothing ahead).
 * - Trades: a print on the order's token at its price reduces the shares ahead by the
 *   printed size; what is left of the print after the queue ahead is gone reaches us and
 *   fills us. A print strictly through our price means the whole level traded away: all of
 *   it reaches us. Nothing else fills a resting order — a book that moves through our
 *   price without a print is not a fill (we are not really in that book).
 * - Cancellations: the size shown at our price shrinking by more than the prints explain
 *   is cancellations, attributed by the queue model:
 *   - `conservative` (hftbacktest's RiskAdverseQueueModel): cancels come from behind us; the
 *     shares ahead only shrink when the level shrinks below them.
 *   - `probabilistic` (hftbacktest's ProbQueueModel with the power function f(x) = x^n, after
 *     Rigtorp's estimator; hftbacktest.readthedocs.io/en/v1.8.4/reference/queue_models.html,
 *     read 2026-12): a cancel comes from behind us with probability
 *     f(back) / (f(back) + f(front)), so just after joining (nothing behind) every cancel is
 *     ahead, at the front of the queue every cancel is behind. Prints seen since the last
 *     change of the level are taken off the size change first, so a trade is not counted
 *     twice (once as a trade, once as a cancel).
 *   A level that grows grew behind us.
 */

export const QUEUE_MODELS = ['conservative', 'probabilistic'] as const;
export type QueueModel = (typeof QUEUE_MODELS)[number];

/** The power of the probabilistic model's f(x) = x^n (hftbacktest's PowerProbQueueModel(n); 2 is its SquareProbQueueModel). */
export const DEFAULT_QUEUE_POWER = 2;

/** One resting order's place at its price level, under both models (the configured one fills; the other is shown beside it). */
export interface QueueState {
  /** Shares ahead of us: [conservative, probabilistic]. */
  ahead: [number, number];
  /** The size shown at our price when we last looked (our paper order is never in it). */
  levelQty: number;
  /** Printed at our price since the level last changed: taken off its next decrease. */
  tradedQty: number;
}

export function joinQueue(levelQty: number): QueueState {
  return { ahead: [levelQty, levelQty], levelQty, tradedQty: 0 };
}

export const modelIndex = (m: QueueModel): 0 | 1 => (m === 'conservative' ? 0 : 1);

/**
 * The size shown at our price changed to `newQty`. Updates the shares ahead under both
 * models; `power` is the probabilistic model's exponent.
 */
export function onLevelChange(q: QueueState, newQty: number, power: number): void {
  const prevQty = q.levelQty;
  const cancelled = prevQty - newQty - q.tradedQty;
  q.levelQty = newQty;
  q.tradedQty = 0;
  // Conservative: cancels come from behind; the queue ahead can never exceed the level.
  q.ahead[0] = Math.min(q.ahead[0], newQty);
  const front = q.ahead[1];
  if (cancelled <= 0) {
    q.ahead[1] = Math.min(front, newQty);
    return;
  }
  const back = Math.max(0, prevQty - front);
  const fb = back ** power;
  const ff = front ** power;
  // Both zero (an empty level): nothing is ahead whatever the split.
  const fromBehind = fb + ff > 0 ? fb / (fb + ff) : 1;
  const estFront = front - (1 - fromBehind) * cancelled + Math.min(back - fromBehind * cancelled, 0);
  q.ahead[1] = Math.max(0, Math.min(estFront, newQty));
}

/**
 * A print of `qty` at our price (`atPrice`) or strictly through it. Returns the shares that
 * reach us under model `m` (0 when the queue ahead absorbs them all); both models' queues
 * move.
 */
export function onPrint(q: QueueState, qty: number, atPrice: boolean, m: QueueModel): number {
  const i = modelIndex(m);
  if (!atPrice) {
    // The whole level traded away: nothing is left ahead, and the print reached us.
    q.ahead[0] = 0;
    q.ahead[1] = 0;
    return qty;
  }
  q.tradedQty += qty;
  const reach = qty - q.ahead[i];
  q.ahead[0] = Math.max(0, q.ahead[0] - qty);
  q.ahead[1] = Math.max(0, q.ahead[1] - qty);
  return reach > 0 ? reach : 0;
}
