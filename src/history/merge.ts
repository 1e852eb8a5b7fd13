/**
 * K-way merge of sources that each deliver batches in time order: the output is in time
 * order across sources (ties go to the source listed first), one batch at a time, so
 * memory holds one batch per source whatever the archive's length.
 */
export interface Timed {
  ts: number;
}

interface Head<T> {
  it: AsyncIterator<T[]>;
  batch: T[];
  pos: number;
  done: boolean;
}

async function refill<T>(h: Head<T>): Promise<void> {
  while (!h.done && h.pos >= h.batch.length) {
    const r = await h.it.next();
    if (r.done) h.done = true;
    else {
      h.batch = r.value;
      h.pos = 0;
    }
  }
}

export async function* mergeByTime<T extends Timed>(sources: readonly AsyncIterable<T[]>[], batchSize = 4096): AsyncGenerator<T[]> {
  const heads: Head<T>[] = sources.map((s) => ({ it: s[Symbol.asyncIterator](), batch: [], pos: 0, done: false }));
  for (const h of heads) await refill(h);
  let out: T[] = [];
  for (;;) {
    let best: Head<T> | null = null;
    for (const h of heads) if (!h.done && (best === null || h.batch[h.pos]!.ts < best.batch[best.pos]!.ts)) best = h;
    if (best === null) break;
    // Take every item of the best source up to the next head's time in one go.
    let limit = Infinity;
    for (const h of heads)
      if (h !== best && !h.done) limit = Math.min(limit, h.batch[h.pos]!.ts + (heads.indexOf(h) < heads.indexOf(best) ? 0 : 1));
    while (best.pos < best.batch.length && best.batch[best.pos]!.ts < limit) out.push(best.batch[best.pos++]!);
    if (out.length >= batchSize) {
      yield out;
      out = [];
    }
    await refill(best);
  }
  if (out.length > 0) yield out;
}
