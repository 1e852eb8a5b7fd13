/**
 * The daily trade zips of Binance and OKX: one CSV entry each, read as a stream after the
 * checks their publishers make possible.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import crypto from 'node:crypto';
import type { Problems } from './problems.ts';

/**
 * The one CSV inside a Binance or OKX zip, inflated as a stream. The zip is checked first:
 * its SHA-256 against `<zip>.CHECKSUM` when present (Binance publishes one, OKX does not),
 * and the CRC-32 of the entry as it is read.
 */
export async function openZip(file: string, problems: Problems): Promise<NodeJS.ReadableStream | null> {
  const checksumFile = `${file}.CHECKSUM`;
  if (fs.existsSync(checksumFile)) {
    const want = fs.readFileSync(checksumFile, 'utf8').trim().split(/\s+/)[0]?.toLowerCase();
    const hash = crypto.createHash('sha256');
    for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
    const got = hash.digest('hex');
    if (got !== want) {
      problems.add({
        file,
        where: null,
        reason: `SHA-256 ${got.slice(0, 12)}… does not match ${path.basename(checksumFile)}; file skipped`,
      });
      return null;
    }
  }
  const entry = zipEntry(file);
  if (typeof entry === 'string') {
    problems.add({ file, where: null, reason: `${entry}; file skipped` });
    return null;
  }
  const raw = fs.createReadStream(file, { start: entry.dataStart, end: entry.dataStart + entry.compressedSize - 1 });
  const out = entry.method === 8 ? raw.pipe(zlib.createInflateRaw()) : raw;
  let crc = 0;
  out.on('data', (c: Buffer) => {
    crc = zlib.crc32(c, crc);
  });
  out.on('end', () => {
    if (crc >>> 0 !== entry.crc32 >>> 0) problems.add({ file, where: null, reason: 'CRC-32 of the CSV inside does not match the zip' });
  });
  return out;
}

interface ZipEntry {
  method: number;
  crc32: number;
  compressedSize: number;
  dataStart: number;
}

/** The first entry of a zip, from its central directory (sizes are there even when streamed). */
export function zipEntry(file: string): ZipEntry | string {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const tailLen = Math.min(size, 65_557);
    const tail = Buffer.alloc(tailLen);
    fs.readSync(fd, tail, 0, tailLen, size - tailLen);
    const eocd = tail.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    if (eocd < 0) return 'not a zip (no end of central directory)';
    const cdOffset = tail.readUInt32LE(eocd + 16);
    const cd = Buffer.alloc(46);
    if (fs.readSync(fd, cd, 0, 46, cdOffset) < 46 || cd.readUInt32LE(0) !== 0x02014b50) return 'zip central directory unreadable';
    const method = cd.readUInt16LE(10);
    if (method !== 0 && method !== 8) return `zip compression method ${method} not supported`;
    const local = Buffer.alloc(30);
    const localOffset = cd.readUInt32LE(42);
    if (fs.readSync(fd, local, 0, 30, localOffset) < 30 || local.readUInt32LE(0) !== 0x04034b50) return 'zip local header unreadable';
    const dataStart = localOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
    const compressedSize = cd.readUInt32LE(20);
    if (dataStart + compressedSize > size) return 'zip truncated';
    return { method, crc32: cd.readUInt32LE(16), compressedSize, dataStart };
  } finally {
    fs.closeSync(fd);
  }
}
