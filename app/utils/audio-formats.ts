// The audio formats a transcription takes (ADR 072), told by their first bytes: a client's
// part type and file name may say anything (the openai SDK sends application/octet-stream
// for a stream).

const FORMATS: [string, (bytes: Uint8Array) => boolean][] = [
  ["wav", (b) => ascii(b, 0, "RIFF") && ascii(b, 8, "WAVE")],
  ["flac", (b) => ascii(b, 0, "fLaC")],
  ["ogg", (b) => ascii(b, 0, "OggS")],
  ["webm", (b) => b[0] === 0x1a && b[1] === 0x45 && b[2] === 0xdf && b[3] === 0xa3],
  ["mp4", (b) => ascii(b, 4, "ftyp")],
  ["mp3", (b) => ascii(b, 0, "ID3") || (b[0] === 0xff && ((b[1] ?? 0) & 0xe0) === 0xe0)],
];

export const AUDIO_FORMATS = FORMATS.map(([name]) => name);

/** "wav", "mp3", … or undefined for bytes that are none of them. */
export function audioFormatOf(bytes: Uint8Array): string | undefined {
  return FORMATS.find(([, test]) => test(bytes))?.[0];
}

function ascii(bytes: Uint8Array, at: number, text: string) {
  for (let i = 0; i < text.length; i++) if (bytes[at + i] !== text.charCodeAt(i)) return false;
  return true;
}

/**
 * A PCM WAV's length in seconds from its header, or undefined when the header does not say.
 * `totalBytes`: the file's whole length, when only its first bytes are at hand.
 */
export function wavDuration(bytes: Uint8Array, totalBytes = bytes.length): number | undefined {
  if (bytes.length < 44 || !(ascii(bytes, 0, "RIFF") && ascii(bytes, 8, "WAVE"))) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const byteRate = view.getUint32(28, true);
  if (byteRate === 0) return undefined;
  // The data chunk follows "fmt " in the files encoders write; find it rather than assume 36.
  for (let at = 12; at + 8 <= bytes.length;) {
    const size = view.getUint32(at + 4, true);
    if (ascii(bytes, at, "data")) return Math.min(size, totalBytes - at - 8) / byteRate;
    at += 8 + size + (size % 2);
  }
  return undefined;
}

/** The most a RIFF size field holds: what a streaming writer puts for a length it does not know yet. */
const UNKNOWN_LENGTH = 0xffff_ffff;

/**
 * A 44-byte PCM WAV header for audio whose length is not known yet (ADR 075): the RIFF and
 * data sizes at their maximum, as streaming writers do (ffmpeg writing to a pipe), so that
 * players read on to the end of the stream.
 */
export function streamingWavHeader(pcm: {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
}): Uint8Array {
  const header = new Uint8Array(44);
  const view = new DataView(header.buffer);
  const blockAlign = (pcm.channels * pcm.bitsPerSample) / 8;
  header.set(new TextEncoder().encode("RIFF"), 0);
  view.setUint32(4, UNKNOWN_LENGTH, true);
  header.set(new TextEncoder().encode("WAVEfmt "), 8);
  view.setUint32(16, 16, true); // the fmt chunk's size
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, pcm.channels, true);
  view.setUint32(24, pcm.sampleRate, true);
  view.setUint32(28, pcm.sampleRate * blockAlign, true); // bytes a second
  view.setUint16(32, blockAlign, true);
  view.setUint16(34, pcm.bitsPerSample, true);
  header.set(new TextEncoder().encode("data"), 36);
  view.setUint32(40, UNKNOWN_LENGTH, true);
  return header;
}
