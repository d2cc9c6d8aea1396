import { createHash } from "node:crypto";

/**
 * A unit vector that depends only on the text and the size: the same input
 * always embeds the same, different inputs differently. Float32 values, as
 * providers send.
 */
export function fakeVector(text: string, dimensions: number): number[] {
  const values: number[] = [];
  let block = createHash("sha256").update(text).digest();
  for (let i = 0; i < dimensions; i++) {
    if (i > 0 && i % 8 === 0) block = createHash("sha256").update(block).digest();
    values.push(block.readInt32LE((i % 8) * 4) / 2 ** 31);
  }
  const norm = Math.hypot(...values) || 1;
  return values.map((value) => Math.fround(value / norm));
}
