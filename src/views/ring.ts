/** A fixed-capacity ring: pushing past capacity drops the oldest item. */
export class Ring<T> {
  private items: T[] = [];
  private head = 0;
  /** Items ever pushed (the ring keeps the last `capacity`). */
  total = 0;
  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`a ring needs a whole capacity of at least 1, got ${capacity}`);
  }

  push(item: T): void {
    this.total += 1;
    if (this.items.length < this.capacity) this.items.push(item);
    else {
      this.items[this.head] = item;
      this.head = (this.head + 1) % this.capacity;
    }
  }

  /** Items newest first, optionally filtered, at most `limit`. */
  newest(limit: number, keep: (item: T) => boolean = () => true): T[] {
    const out: T[] = [];
    const n = this.items.length;
    for (let i = 0; i < n && out.length < limit; i++) {
      const item = this.items[(this.head - 1 - i + 2 * n) % n]!;
      if (keep(item)) out.push(item);
    }
    return out;
  }

  /** Items oldest first. */
  oldestFirst(): T[] {
    return this.newest(this.capacity).reverse();
  }

  clear(): void {
    this.items = [];
    this.head = 0;
    this.total = 0;
  }
}
