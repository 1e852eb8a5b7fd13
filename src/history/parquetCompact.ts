/**
 * A smaller Parquet file holding some row groups of another, byte for byte: the kept
 * column chunks are copied as they are (pages, compression and encodings untouched) and the
 * footer is re-written with their new offsets, the kept row groups only and the new row
 * count. Schema, types (a `fixed_size_binary` stays one), statistics and key/value
 * metadata are the original's, so any reader sees the same 16 columns.
 *
 * The footer is Thrift compact protocol (parquet-format's parquet.thrift, FileMetaData),
 * decoded generically by thriftCompact.ts — field id, wire type, value — so that every field this
 * code does not touch is written back exactly as it came (a round trip of an untouched
 * footer gives the same bytes; test/unit/parquetCompact.test.ts). The fields touched, by
 * their ids in parquet.thrift: FileMetaData 3 num_rows, 4 row_groups; RowGroup 5
 * file_offset, 7 ordinal; ColumnChunk 2 file_offset, 4–7 the page index (dropped: it
 * points into the original file and is optional); ColumnMetaData 9 data_page_offset, 10
 * index_page_offset, 11 dictionary_page_offset, 14–15 the bloom filter (dropped likewise).
 */
import fs from 'node:fs';
import { decodeFooter, encodeFooter, I16, I64, LIST, STRUCT, type Field, type List, type Struct, type Value } from './thriftCompact.ts';

export { decodeFooter, encodeFooter };

const field = (s: Struct, id: number): Field | undefined => s.find((f) => f.id === id);
const num = (s: Struct, id: number): bigint | undefined => field(s, id)?.value as bigint | undefined;
function set(s: Struct, id: number, type: number, value: Value): void {
  const f = field(s, id);
  if (f) f.value = value;
  else {
    s.push({ id, type, value });
    s.sort((a, b) => a.id - b.id);
  }
}
const drop = (s: Struct, ids: readonly number[]): Struct => s.filter((f) => !ids.includes(f.id));

/** Where a column chunk's bytes start: its dictionary page if it has one, else its first data page. */
function chunkStart(md: Struct): bigint {
  const data = num(md, 9)!;
  const dict = num(md, 11);
  return dict !== undefined && dict > 0n && dict < data ? dict : data;
}

/** The byte ranges [start, end) of the column chunks of row groups `keep`, in file order. */
export function chunkRanges(footer: Buffer, keep: readonly number[]): [number, number][] {
  const groups = (field(decodeFooter(footer), 4)!.value as List).items as Struct[];
  const out: [number, number][] = [];
  for (const i of keep)
    for (const cc of (field(groups[i]!, 1)!.value as List).items as Struct[]) {
      const md = field(cc, 3)!.value as Struct;
      const start = Number(chunkStart(md));
      out.push([start, start + Number(num(md, 7)!)]);
    }
  return out;
}

export interface CompactResult {
  bytes: number;
  rowGroups: number;
  rows: number;
}

/**
 * Writes `dest`: the row groups `keep` of `src` (whose footer is `footer`). `src` need hold
 * only those row groups' bytes at their offsets (a sparse file of ranges is enough).
 * Copies in 1 MiB pieces, so memory does not grow with the file.
 */
export function compactParquet(src: string, footer: Buffer, keep: readonly number[], dest: string): CompactResult {
  const meta = decodeFooter(footer);
  const groups = (field(meta, 4)!.value as List).items as Struct[];
  const kept: Struct[] = [];
  let rows = 0n;
  const inFd = fs.openSync(src, 'r');
  const outFd = fs.openSync(dest, 'w');
  const piece = Buffer.alloc(1 << 20);
  try {
    let at = fs.writeSync(outFd, Buffer.from('PAR1'));
    for (const i of keep) {
      const rg = groups[i]!;
      const columns = (field(rg, 1)!.value as List).items as Struct[];
      const newColumns: Struct[] = [];
      let groupStart = -1n;
      for (const cc of columns) {
        const md = field(cc, 3)!.value as Struct;
        const start = chunkStart(md);
        const length = Number(num(md, 7)!);
        const delta = BigInt(at) - start;
        if (groupStart < 0n) groupStart = BigInt(at);
        for (let done = 0; done < length;) {
          const n = fs.readSync(inFd, piece, 0, Math.min(piece.length, length - done), Number(start) + done);
          if (n === 0) throw new Error(`${src}: ends inside row group ${i}`);
          at += fs.writeSync(outFd, piece, 0, n, at);
          done += n;
        }
        const newMd = drop(md, [14, 15]);
        for (const id of [9, 10, 11]) {
          const v = num(newMd, id);
          if (v !== undefined && v > 0n) set(newMd, id, I64, v + delta);
        }
        const newCc = drop(cc, [4, 5, 6, 7]);
        set(newCc, 3, STRUCT, newMd);
        const fileOffset = num(newCc, 2);
        if (fileOffset !== undefined && fileOffset > 0n) set(newCc, 2, I64, fileOffset + delta);
        newColumns.push(newCc);
      }
      const newRg = [...rg];
      set(newRg, 1, LIST, { header: 0, elemType: STRUCT, items: newColumns });
      if (field(newRg, 5)) set(newRg, 5, I64, groupStart);
      if (field(newRg, 7)) set(newRg, 7, I16, BigInt(kept.length));
      kept.push(newRg);
      rows += num(rg, 3)!;
    }
    const newMeta = [...meta];
    set(newMeta, 3, I64, rows);
    set(newMeta, 4, LIST, { header: 0, elemType: STRUCT, items: kept });
    const encoded = encodeFooter(newMeta);
    const len = Buffer.alloc(4);
    len.writeUInt32LE(encoded.length);
    at += fs.writeSync(outFd, Buffer.concat([encoded, len, Buffer.from('PAR1')]), 0, encoded.length + 8, at);
    return { bytes: at, rowGroups: kept.length, rows: Number(rows) };
  } finally {
    fs.closeSync(inFd);
    fs.closeSync(outFd);
  }
}
