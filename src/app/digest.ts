/**
 * A digest of a run's output events: SHA-256 over each event's JSON, in order, with the
 * run's identity (run id, mode) left out — so a sim run and the replay of its capture have
 * the same digest exactly when they produced the same events in the same order.
 */
import { createHash, type Hash } from 'node:crypto';
import type { OutputEvent } from '../core/outputs.ts';

export class OutputDigest {
  private readonly hash: Hash = createHash('sha256');
  events = 0;

  readonly sink = (e: OutputEvent): void => {
    this.events += 1;
    if (e.event_type === 'run_started') {
      const { run_id: _id, mode: _mode, ...rest } = e;
      this.hash.update(JSON.stringify(rest));
    } else if (e.event_type === 'run_stopped') {
      const { run_id: _id, ...rest } = e;
      this.hash.update(JSON.stringify(rest));
    } else {
      this.hash.update(JSON.stringify(e));
    }
    this.hash.update('\n');
  };

  /** Hex digest (call once, at the end). */
  hex(): string {
    return this.hash.copy().digest('hex');
  }
}
