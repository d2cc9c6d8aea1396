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

/** Seconds of audio in each chunk of the fake Gemini's speech, and its tokens (25 a second). */
export const FAKE_GEMINI_CHUNK_SECONDS = 0.2;
export const FAKE_GEMINI_TOKENS_PER_CHUNK = 5;

/**
 * What the fake Gemini speaks for a text (ADR 075): 24 kHz 16-bit mono PCM, as Gemini's TTS
 * answers, in chunks of 0.2 s, one a word (at most 40), each a tone in its word's pitch.
 */
export function fakeGeminiSpeech(text: string): Buffer[] {
  const rate = 24_000;
  const samples = Math.round(FAKE_GEMINI_CHUNK_SECONDS * rate);
  const words = text.split(/\s+/).filter(Boolean).slice(0, 40);
  return (words.length ? words : [""]).map((word) => {
    const pitch = 200 + (createHash("sha256").update(word).digest()[0]! % 200);
    const chunk = Buffer.alloc(samples * 2);
    for (let i = 0; i < samples; i++)
      chunk.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * pitch * i) / rate)), i * 2);
    return chunk;
  });
}
