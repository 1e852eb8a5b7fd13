/**
 * The run summary printed at the end of `polylab run` and `polylab replay`.
 */
import type { OutputOf } from '../core/outputs.ts';
import { formatTrust, type TrustReport } from '../analytics/trustReport.ts';
import type { Sink } from './pacing.ts';

export interface RunSummary {
  run_id: string;
  inputs: number;
  intents: number;
  fills: number;
  /** Reject events: one per reject episode (a decision refused tick after tick) or order-level refusal. */
  rejects: number;
  rejects_by_reason: Record<string, number>;
  /** Every refusal, the repeats inside episodes included. */
  reject_occurrences: number;
  reject_occurrences_by_reason: Record<string, number>;
  settlements: number;
  medians: number;
  realized_pnl: number;
  unrealized_pnl: number;
  fees: number;
  /** Maker rebates earned (the `rebate` of maker fills), apart from the fees paid. */
  rebates: number;
  equity: number;
  /** Closed trades: a token position from its first fill until flat again (sold out or settled). */
  trades: number;
  wins: number;
  /** Share of closed trades with a positive PnL (fees included); null without any. */
  win_rate: number | null;
  /** Per share: what fills paid against the mid of the book they met (buy: price − mid, sell: mid − price), fees included. */
  avg_edge_paid: number | null;
  /** Largest fall of equity from a previous peak (USD), over the `pnl` events, and as a fraction of that peak. */
  max_drawdown: number;
  max_drawdown_frac: number;
  /** The sim market profile that produced these numbers (null outside sim). */
  sim_market: string | null;
  /** SHA-256 of the output events without the run's identity (src/digest.ts), when computed. */
  digest?: string;
}

interface OpenTrade {
  market_id: string;
  qty: number;
  cost: number;
  proceeds: number;
}

/** Collects a summary from the output stream. */
export class SummarySink {
  private readonly s: RunSummary;
  private readonly open = new Map<string, OpenTrade>();
  private readonly mids = new Map<string, number>();
  private edgePaid = 0;
  private edgeShares = 0;
  private peak = -Infinity;

  constructor(opts: { simMarket?: string | null } = {}) {
    this.s = {
      run_id: '',
      inputs: 0,
      intents: 0,
      fills: 0,
      rejects: 0,
      rejects_by_reason: {},
      reject_occurrences: 0,
      reject_occurrences_by_reason: {},
      settlements: 0,
      medians: 0,
      realized_pnl: 0,
      unrealized_pnl: 0,
      fees: 0,
      rebates: 0,
      equity: 0,
      trades: 0,
      wins: 0,
      win_rate: null,
      avg_edge_paid: null,
      max_drawdown: 0,
      max_drawdown_frac: 0,
      sim_market: opts.simMarket ?? null,
    };
  }

  readonly sink: Sink = (e) => {
    const s = this.s;
    switch (e.event_type) {
      case 'run_started':
        s.run_id = e.run_id;
        break;
      case 'btc_median':
        s.medians += 1;
        break;
      case 'paper_intent':
        s.intents += 1;
        break;
      case 'quote':
        if (e.mid !== null) this.mids.set(e.token_id, e.mid);
        break;
      case 'paper_fill':
        s.fills += 1;
        this.onFill(e);
        break;
      case 'risk_reject':
        s.rejects += 1;
        bump(s.rejects_by_reason, e.reason, 1);
        this.occurred(e.reason, 1);
        break;
      // The first occurrence was counted with its risk_reject.
      case 'reject_episode_ended':
        this.occurred(e.reason, e.occurrences - 1);
        break;
      case 'settlement':
        s.settlements += 1;
        if (e.corrects_outcome === undefined) this.onSettled(e.market_id, e.winning_token_id);
        break;
      case 'pnl':
        s.realized_pnl = e.realized;
        s.unrealized_pnl = e.unrealized;
        s.fees = e.fees;
        s.equity = e.equity;
        this.onEquity(e.equity);
        break;
      default:
        break;
    }
  };

  private occurred(reason: string, n: number): void {
    this.s.reject_occurrences += n;
    bump(this.s.reject_occurrences_by_reason, reason, n);
  }

  private onFill(f: OutputOf<'paper_fill'>): void {
    this.s.rebates += f.rebate ?? 0;
    const mid = this.mids.get(f.token_id);
    if (mid !== undefined) {
      this.edgePaid += (f.side === 'buy' ? f.fill_px - mid : mid - f.fill_px) * f.qty + f.fee;
      this.edgeShares += f.qty;
    }
    let t = this.open.get(f.token_id);
    if (!t) this.open.set(f.token_id, (t = { market_id: f.market_id, qty: 0, cost: 0, proceeds: 0 }));
    if (f.side === 'buy') {
      t.qty += f.qty;
      t.cost += f.qty * f.fill_px + f.fee;
      return;
    }
    t.qty -= f.qty;
    t.proceeds += f.qty * f.fill_px - f.fee;
    if (t.qty <= 1e-9) this.close(f.token_id, t);
  }

  /** Every open trade of the market ends: the winning token pays 1.00 a share. */
  private onSettled(marketId: string, winningTokenId: string): void {
    for (const [tokenId, t] of this.open) {
      if (t.market_id !== marketId) continue;
      if (tokenId === winningTokenId) t.proceeds += t.qty;
      this.close(tokenId, t);
    }
  }

  private close(tokenId: string, t: OpenTrade): void {
    this.open.delete(tokenId);
    this.s.trades += 1;
    if (t.proceeds - t.cost > 1e-9) this.s.wins += 1;
  }

  private onEquity(equity: number): void {
    this.peak = Math.max(this.peak, equity);
    const dd = this.peak - equity;
    if (dd > this.s.max_drawdown) {
      this.s.max_drawdown = dd;
      this.s.max_drawdown_frac = this.peak > 0 ? dd / this.peak : 0;
    }
  }

  summary(inputs: number): RunSummary {
    const s = this.s;
    return {
      ...s,
      inputs,
      rejects_by_reason: { ...s.rejects_by_reason },
      reject_occurrences_by_reason: { ...s.reject_occurrences_by_reason },
      win_rate: s.trades > 0 ? s.wins / s.trades : null,
      avg_edge_paid: this.edgeShares > 0 ? this.edgePaid / this.edgeShares : null,
    };
  }
}

const bump = (m: Record<string, number>, k: string, n: number) => {
  m[k] = (m[k] ?? 0) + n;
};

/** What each sim market profile means for the numbers above it. */
const SIM_MARKET_NOTE: Record<string, string> = {
  efficient: 'makers quote the true probability: this PnL is what an efficient market allows',
  noisy: 'books are fair value plus crowd error: model strategies win by construction, the PnL means nothing',
};

export function formatSummary(s: RunSummary, trust?: TrustReport): string {
  const usd = (x: number) => `${x < 0 ? '-' : ''}$${Math.abs(x).toFixed(2)}`;
  const reasons = Object.keys(s.reject_occurrences_by_reason)
    .sort()
    .map((r) => `${r}=${s.rejects_by_reason[r] ?? 0}/${s.reject_occurrences_by_reason[r]}`)
    .join(', ');
  const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
  return [
    `Polylab run ${s.run_id} — summary`,
    `  inputs        ${s.inputs}`,
    `  medians       ${s.medians}`,
    `  intents       ${s.intents}`,
    `  fills         ${s.fills}`,
    `  rejects       ${s.rejects} episodes, ${s.reject_occurrences} occurrences${reasons ? ` (reason=episodes/occurrences: ${reasons})` : ''}`,
    `  settlements   ${s.settlements}`,
    `  trades        ${s.trades} closed, win rate ${s.win_rate === null ? '-' : `${pct(s.win_rate)} (${s.wins} won)`}`,
    `  edge paid     ${s.avg_edge_paid === null ? '-' : `$${s.avg_edge_paid.toFixed(4)} per share against the mid at each fill, fees included`}`,
    `  realized PnL  ${usd(s.realized_pnl)} (fees ${usd(s.fees)} included)`,
    ...(s.rebates > 0 ? [`  rebates       ${usd(s.rebates)} earned on maker fills (included in realized PnL, apart from fees paid)`] : []),
    `  unrealized    ${usd(s.unrealized_pnl)} (marked at best bid)`,
    `  equity        ${usd(s.equity)}`,
    `  max drawdown  ${usd(s.max_drawdown)} (${pct(s.max_drawdown_frac)} of the peak before it)`,
    ...(s.sim_market === null ? [] : [`  sim market    ${s.sim_market}: ${SIM_MARKET_NOTE[s.sim_market] ?? 'a custom profile'}`]),
    ...(trust ? formatTrust(trust) : []),
    ...(s.digest ? [`  digest        ${s.digest}`] : []),
    '  paper trading only: no order was sent anywhere.',
  ].join('\n');
}
