/**
 * Thrift compact protocol (the encoding of a Parquet footer), decoded generically — field
 * id, wire type, value — with no schema, so that every field is written back exactly as it
 * came: encode(decode(bytes)) gives the same bytes for a footer written in the canonical
 * short field form (test/unit/parquetCompact.test.ts). Used by parquetCompact.ts.
 */
export type Value = bigint | boolean | Buffer | Struct | List | MapValue;
export interface Field {
  id: number;
  type: number;
  value: Value;
}
export type Struct = Field[];
export interface List {
  header: number;
  elemType: number;
  items: Value[];
}
export interface MapValue {
  kv: number;
  pairs: [Value, Value][];
}

// Compact protocol wire types.
export const TRUE = 1;
export const FALSE = 2;
export const I8 = 3;
export const I16 = 4;
export const I32 = 5;
export const I64 = 6;
export const DOUBLE = 7;
export const BINARY = 8;
export const LIST = 9;
export const SET = 10;
export const MAP = 11;
export const STRUCT = 12;

class Reader {
  at = 0;
  constructor(readonly b: Buffer) {}
  byte(): number {
    if (this.at >= this.b.length) throw new Error('Parquet footer ends early');
    return this.b[this.at++]!;
  }
  varint(): bigint {
    let out = 0n;
    let shift = 0n;
    for (;;) {
      const x = this.byte();
      out |= BigInt(x & 0x7f) << shift;
      if ((x & 0x80) === 0) return out;
      shift += 7n;
    }
  }
  zigzag(): bigint {
    const n = this.varint();
    return (n >> 1n) ^ -(n & 1n);
  }
  bytes(n: number): Buffer {
    if (this.at + n > this.b.length) throw new Error('Parquet footer ends early');
    const out = this.b.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }
  value(type: number, inList: boolean): Value {
    switch (type) {
      case TRUE:
      case FALSE:
        // A field's boolean is its type; a list element's is a byte of its own.
        return inList ? this.byte() === TRUE : type === TRUE;
      case I8:
        return BigInt(this.byte());
      case I16:
      case I32:
      case I64:
        return this.zigzag();
      case DOUBLE:
        return this.bytes(8);
      case BINARY:
        return this.bytes(Number(this.varint()));
      case LIST:
      case SET: {
        const header = this.byte();
        const size = header >> 4 === 15 ? Number(this.varint()) : header >> 4;
        const items: Value[] = [];
        for (let i = 0; i < size; i++) items.push(this.value(header & 15, true));
        return { header, elemType: header & 15, items };
      }
      case MAP: {
        const size = Number(this.varint());
        const kv = size > 0 ? this.byte() : 0;
        const pairs: [Value, Value][] = [];
        for (let i = 0; i < size; i++) pairs.push([this.value(kv >> 4, true), this.value(kv & 15, true)]);
        return { kv, pairs };
      }
      case STRUCT:
        return this.struct();
      default:
        throw new Error(`Parquet footer: unknown Thrift type ${type}`);
    }
  }
  struct(): Struct {
    const out: Struct = [];
    let last = 0;
    for (;;) {
      const h = this.byte();
      if (h === 0) return out;
      const delta = h >> 4;
      const id = delta === 0 ? Number(this.zigzag()) : last + delta;
      const type = h & 15;
      out.push({ id, type, value: this.value(type, false) });
      last = id;
    }
  }
}

class Writer {
  parts: number[] = [];
  chunks: Buffer[] = [];
  byte(x: number): void {
    this.parts.push(x & 0xff);
  }
  flush(): void {
    if (this.parts.length > 0) this.chunks.push(Buffer.from(this.parts));
    this.parts = [];
  }
  raw(b: Buffer): void {
    this.flush();
    this.chunks.push(b);
  }
  varint(n: bigint): void {
    let v = n;
    do {
      const x = Number(v & 0x7fn);
      v >>= 7n;
      this.byte(v > 0n ? x | 0x80 : x);
    } while (v > 0n);
  }
  zigzag(n: bigint): void {
    this.varint(n >= 0n ? n << 1n : (-n << 1n) - 1n);
  }
  value(type: number, v: Value, inList: boolean): void {
    switch (type) {
      case TRUE:
      case FALSE:
        if (inList) this.byte(v ? TRUE : FALSE);
        return;
      case I8:
        return this.byte(Number(v as bigint));
      case I16:
      case I32:
      case I64:
        return this.zigzag(v as bigint);
      case DOUBLE:
        return this.raw(v as Buffer);
      case BINARY:
        this.varint(BigInt((v as Buffer).length));
        return this.raw(v as Buffer);
      case LIST:
      case SET: {
        const l = v as List;
        if (l.items.length < 15) this.byte((l.items.length << 4) | l.elemType);
        else {
          this.byte(0xf0 | l.elemType);
          this.varint(BigInt(l.items.length));
        }
        for (const item of l.items) this.value(l.elemType, item, true);
        return;
      }
      case MAP: {
        const m = v as MapValue;
        this.varint(BigInt(m.pairs.length));
        if (m.pairs.length > 0) this.byte(m.kv);
        for (const [k, x] of m.pairs) {
          this.value(m.kv >> 4, k, true);
          this.value(m.kv & 15, x, true);
        }
        return;
      }
      case STRUCT:
        return this.struct(v as Struct);
    }
  }
  struct(s: Struct): void {
    let last = 0;
    for (const f of s) {
      // A boolean field carries its value in its type.
      const type = f.type === TRUE || f.type === FALSE ? (f.value ? TRUE : FALSE) : f.type;
      const delta = f.id - last;
      if (delta > 0 && delta <= 15) this.byte((delta << 4) | type);
      else {
        this.byte(type);
        this.zigzag(BigInt(f.id));
      }
      this.value(type, f.value, false);
      last = f.id;
    }
    this.byte(0);
  }
  done(): Buffer {
    this.flush();
    return Buffer.concat(this.chunks);
  }
}

export function decodeFooter(footer: Buffer): Struct {
  return new Reader(footer).struct();
}

export function encodeFooter(s: Struct): Buffer {
  const w = new Writer();
  w.struct(s);
  return w.done();
}
