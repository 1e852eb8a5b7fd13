/**
 * A running sum without rounding error (pure): Shewchuk's non-overlapping partials, the
 * algorithm behind Python's `math.fsum`. What it reads is the correctly rounded sum of every
 * number added, whatever the order they came in, and adding −x undoes adding x exactly.
 * That is what lets the trust report fold its figures as fills arrive, settle and are
 * corrected (fillFigures.ts) and still equal the same figures summed over every fill at
 * once (trustReport.ts `buildReport`), to the last bit.
 *
 * The partials never overlap, so there are at most a few dozen of them (one per binary
 * exponent range in use); an add costs one pass over them, typically two or three.
 */
export class ExactSum {
  /** Increasing magnitude, non-overlapping: their exact sum is the sum of everything added. */
  private readonly partials: number[] = [];

  add(value: number): void {
    const p = this.partials;
    let x = value;
    let kept = 0;
    for (let j = 0; j < p.length; j++) {
      let y = p[j]!;
      if (Math.abs(x) < Math.abs(y)) {
        const t = x;
        x = y;
        y = t;
      }
      const hi = x + y;
      const lo = y - (hi - x);
      if (lo !== 0) p[kept++] = lo;
      x = hi;
    }
    p.length = kept + 1;
    p[kept] = x;
  }

  /** The sum, correctly rounded (round half to even across the partials, as fsum does). */
  value(): number {
    const p = this.partials;
    let n = p.length;
    if (n === 0) return 0;
    let hi = p[--n]!;
    let lo = 0;
    while (n > 0) {
      const x = hi;
      const y = p[--n]!;
      hi = x + y;
      lo = y - (hi - x);
      if (lo !== 0) break;
    }
    // The partial below may push a tie the other way: round it once more, by hand.
    if (n > 0 && ((lo < 0 && p[n - 1]! < 0) || (lo > 0 && p[n - 1]! > 0))) {
      const y = lo * 2;
      const x = hi + y;
      if (y === x - hi) hi = x;
    }
    return hi;
  }

  copy(): ExactSum {
    const c = new ExactSum();
    c.partials.push(...this.partials);
    return c;
  }
}

/** The correctly rounded sum of `xs` (the batch twin of ExactSum). */
export function exactSum(xs: Iterable<number>): number {
  const s = new ExactSum();
  for (const x of xs) s.add(x);
  return s.value();
}
