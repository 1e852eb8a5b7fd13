/**
 * Reject episodes: a decision refused tick after tick for the same reason is one episode,
 * not one event per tick. The first refusal is a `risk_reject` carrying the episode's id;
 * the repeats are only counted. At the end of every tick the engine asks each episode that
 * was not repeated whether its condition still holds (the same order would be refused for
 * the same reason now); once it has cleared — or the market left — a `reject_episode_ended`
 * says how many times it happened, from when to when, and with what numbers last. A
 * strategy that asks only every other tick therefore does not open a new episode each time.
 *
 * Identity is the condition, not the exact numbers: same market, same decision (token and
 * side) and same reason. Most reasons carry numbers that move while the condition holds
 * (ages, time left, equity marks), so "identical numbers" would make every tick a new
 * episode; the end event keeps the last numbers instead. A decision has at most one open
 * episode: refused for another reason, or let through, it ends the one it had.
 */
import type { OutputEvent } from '../core/outputs.ts';

type Numbers = Record<string, number | string | null>;

export interface DecisionReject {
  reason: string;
  market_id: string | null;
  intent_id: string | null;
  numbers: Numbers;
}

interface Episode {
  id: string;
  reject: DecisionReject;
  occurrences: number;
  firstMs: number;
  lastMs: number;
  lastNumbers: Numbers;
  tick: number;
  holds: () => boolean;
}

/** Open episodes at most (the oldest closes first beyond it). */
const MAX_OPEN = 4_096;

export class RejectEpisodes {
  private readonly open = new Map<string, Episode>();
  private tick = 0;
  private seq = 0;
  /** Occurrences so far, the first of each episode included. */
  occurrences = 0;

  /**
   * A refusal of `decision`. Emits its `risk_reject` when it opens an episode (returns
   * true); a repeat within an open episode is counted and emits nothing (false).
   */
  reject(decision: string, r: DecisionReject, nowMs: number, out: OutputEvent[], holds: () => boolean): boolean {
    this.occurrences += 1;
    const key = decision;
    const ep = this.open.get(key);
    if (ep && ep.reject.reason !== r.reason) this.close(key, nowMs, out);
    else if (ep) {
      ep.occurrences += 1;
      ep.lastMs = nowMs;
      ep.lastNumbers = r.numbers;
      ep.tick = this.tick;
      ep.holds = holds;
      return false;
    }
    if (this.open.size >= MAX_OPEN) this.close(this.open.keys().next().value!, nowMs, out);
    const id = `e${++this.seq}`;
    this.open.set(key, { id, reject: r, occurrences: 1, firstMs: nowMs, lastMs: nowMs, lastNumbers: r.numbers, tick: this.tick, holds });
    out.push({
      event_type: 'risk_reject',
      reason: r.reason,
      market_id: r.market_id,
      intent_id: r.intent_id,
      numbers: r.numbers,
      episode_id: id,
      ts_unix_ms: nowMs,
    });
    return true;
  }

  /** `decision` went through: its episode, if any, is over. */
  passed(decision: string, nowMs: number, out: OutputEvent[]): void {
    if (this.open.has(decision)) this.close(decision, nowMs, out);
  }

  /** Ends a tick: every episode not repeated during it whose condition has cleared closes. */
  endTick(nowMs: number, out: OutputEvent[]): void {
    for (const [key, ep] of this.open) if (ep.tick !== this.tick && !ep.holds()) this.close(key, nowMs, out);
    this.tick += 1;
  }

  /** Closes every open episode (the run stops). */
  closeAll(nowMs: number, out: OutputEvent[]): void {
    for (const key of [...this.open.keys()]) this.close(key, nowMs, out);
  }

  private close(key: string, nowMs: number, out: OutputEvent[]): void {
    const ep = this.open.get(key)!;
    this.open.delete(key);
    out.push({
      event_type: 'reject_episode_ended',
      episode_id: ep.id,
      reason: ep.reject.reason,
      market_id: ep.reject.market_id,
      occurrences: ep.occurrences,
      first_ts_ms: ep.firstMs,
      last_ts_ms: ep.lastMs,
      last_numbers: ep.lastNumbers,
      ts_unix_ms: nowMs,
    });
  }
}
