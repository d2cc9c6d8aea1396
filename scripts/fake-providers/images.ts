import { createHash } from "node:crypto";
import { crc32, deflateSync } from "node:zlib";

/**
 * A small valid PNG (4×4, one colour) that depends only on `seed`: the same prompt and
 * index always make the same image, different ones differ. Deterministic bytes, so a test
 * can compare what the client got with what the provider sent.
 */
export function fakePng(seed: string): Buffer {
  const [red, green, blue] = createHash("sha256").update(seed).digest();
  const side = 4;
  const row = Buffer.from([0, ...Array.from({ length: side }, () => [red!, green!, blue!]).flat()]);
  const pixels = Buffer.concat(Array.from({ length: side }, () => row));
  const header = Buffer.alloc(13);
  header.writeUInt32BE(side, 0);
  header.writeUInt32BE(side, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8 bits, RGB, deflate, no filter, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(pixels)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

function chunk(type: string, data: Buffer) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}
