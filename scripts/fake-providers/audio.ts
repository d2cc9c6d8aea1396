import { createHash } from "node:crypto";

/**
 * A WAV file (16 kHz, 16-bit mono) of a tone `seconds` long, the same for the same seed:
 * what the fake speaks, and what tests upload to be transcribed.
 */
export function fakeWav(seconds: number, seed = "tone"): Buffer {
  const rate = 16_000;
  const samples = Math.round(seconds * rate);
  const pitch = 200 + (createHash("sha256").update(seed).digest()[0]! % 200);
  const data = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++)
    data.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * pitch * i) / rate)), i * 2);
  const header = Buffer.alloc(44);
  header.write("RIFF", 0, "ascii");
  header.writeUInt32LE(36 + data.length, 4);
  header.write("WAVE", 8, "ascii");
  header.write("fmt ", 12, "ascii");
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * 2, 28); // bytes per second
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write("data", 36, "ascii");
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

/** What the fake "speaks" for a text: a WAV a tenth of a second per word, in its seed's pitch. */
export const fakeSpeech = (input: string) =>
  fakeWav(Math.max(1, input.split(/\s+/).length) / 10, input);
