// Goal: the trust analytics settle resting orders' fills under both queue models — the configured model's maker fills and the other model's shadow fills — with their rebates, per market, at its result.
import { describe, expect, it } from 'vitest';
import { QueueRange } from '../../src/analytics/queueRange.ts';
import type { OutputOf } from '../../src/core/outputs.ts';

const fill = (o: Partial<OutputOf<'paper_fill'>>): OutputOf<'paper_fill'> => ({
  event_type: 'paper_fill',
  fill_id: 'f1',
  intent_id: 'i1',
  market_id: 'm1',
  token_id: 'up',
  outcome: 'Up',
  side: 'buy',
  qty: 10,
  fill_px: 0.4,
  fee: 0,
  liquidity: 'maker',
  requested_qty: 10,
  levels_consumed: 1,
  ts_unix_ms: 1,
  ...o,
});

describe('queue range', () => {
  it('is absent before any resting order filled under either model', () => {
    expect(new QueueRange().report()).toBeNull();
  });

  it('settles the configured model from maker fills and the other from shadow fills, rebates included', () => {
    const q = new QueueRange();
    q.onQueue({
      event_type: 'order_queue',
      intent_id: 'i1',
      market_id: 'm1',
      token_id: 'up',
      side: 'buy',
      limit_px: 0.4,
      remaining_qty: 10,
      queue_model: 'conservative',
      queue_ahead_qty: 5,
      queue_ahead_alt_qty: 3,
      ts_unix_ms: 1,
    });
    q.onMakerFill(fill({ qty: 10, rebate: 0.1 }));
    q.onShadowFill({
      event_type: 'queue_shadow_fill',
      intent_id: 'i1',
      market_id: 'm1',
      token_id: 'up',
      side: 'buy',
      qty: 25,
      fill_px: 0.4,
      rebate: 0.25,
      queue_model: 'probabilistic',
      ts_unix_ms: 2,
    });
    q.onMakerFill(fill({ market_id: 'm2', qty: 5 }));
    q.onSettlement('m1', 'down');
    // Up lost: 10 × (0 − 0.4) + 0.1 and 25 × (0 − 0.4) + 0.25; m2 not settled yet.
    expect(q.report()).toEqual({
      configured: 'conservative',
      maker_fills: 2,
      shadow_fills: 1,
      pnl: { conservative: expect.closeTo(-3.9, 12), probabilistic: expect.closeTo(-9.75, 12) },
    });
    q.onSettlement('m2', 'up');
    expect(q.report()!.pnl.conservative).toBeCloseTo(-3.9 + 3, 12);
  });
});
