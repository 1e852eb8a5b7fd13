/**
 * How a journal that fails a write reaches the engine (src/commands/run.ts wires it).
 */
import type { Config } from './config.ts';
import { JOURNAL_SOURCE, type InputEvent } from '../core/events.ts';
import { SIM_START_MS } from '../sim/sim.ts';

/**
 * The journal's first failed write, turned into an input: a `journal` source going `down`,
 * which makes the engine stop new risk (and shows in feed health). Stepped through the same
 * path as every input, so a capture records it and its replay halts at the same point.
 */
export class JournalDown {
  lastInputMs: number | null = null;
  private message: string | null = null;
  private step: ((input: InputEvent) => void) | null = null;

  constructor(private readonly mode: Config['mode']) {}

  readonly report = (message: string): void => {
    this.message = message;
    this.step?.(this.input());
  };

  /** Once the engine runs: a failure reported before then is stepped now. */
  attach(step: (input: InputEvent) => void): void {
    this.step = step;
    if (this.message !== null) step(this.input());
  }

  private input(): InputEvent {
    // Input time: the sim's own clock (its last input), the wall clock for a live run.
    const ts = this.mode === 'sim' ? (this.lastInputMs ?? SIM_START_MS) : Date.now();
    return {
      event_type: 'venue_status',
      source: JOURNAL_SOURCE,
      state: 'down',
      reason: `journal write failed: ${this.message}; new risk stopped until restart`,
      messages: 0,
      trades: 0,
      parse_errors: 0,
      rejected: 0,
      reconnects: 0,
      last_message_ts_ms: null,
      last_error: this.message,
      ts_unix_ms: ts,
    };
  }
}
