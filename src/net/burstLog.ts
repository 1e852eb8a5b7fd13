/**
 * Log throttling for bad input at the edges: a burst of bad frames produces one line plus
 * a periodic count instead of thousands of lines.
 */
/** What BurstLog needs of a logger (a pino Logger, or any object with `warn`). */
export interface WarnLogger {
  warn: (obj: object, msg: string) => void;
}

/**
 * Logs the first occurrence of a kind of bad input, then at most one summary line per
 * interval with how many more were suppressed.
 */
export class BurstLog {
  private lastLogMs = Number.NEGATIVE_INFINITY;
  private suppressed = 0;
  private lastReason = '';

  constructor(
    private readonly log: WarnLogger,
    private readonly what: string,
    private readonly intervalMs: number,
    private readonly now: () => number,
  ) {}

  note(reason: string, extra: Record<string, unknown> = {}): void {
    const now = this.now();
    this.lastReason = reason;
    if (now - this.lastLogMs < this.intervalMs) {
      this.suppressed += 1;
      return;
    }
    const more = this.suppressed > 0 ? ` (+${this.suppressed} more since the last report)` : '';
    this.log.warn({ ...extra, reason, suppressed: this.suppressed }, `${this.what}: ${reason}${more}`);
    this.lastLogMs = now;
    this.suppressed = 0;
  }

  /** Reports what was suppressed, if the interval has passed (called from a periodic tick). */
  flush(): void {
    if (this.suppressed === 0 || this.now() - this.lastLogMs < this.intervalMs) return;
    this.log.warn(
      { suppressed: this.suppressed, reason: this.lastReason },
      `${this.what}: ${this.suppressed} more in the last ${Math.round((this.now() - this.lastLogMs) / 1000)} s (latest: ${this.lastReason})`,
    );
    this.lastLogMs = this.now();
    this.suppressed = 0;
  }
}
