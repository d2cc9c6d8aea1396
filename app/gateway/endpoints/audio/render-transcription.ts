import type { Transcription } from "../../../providers/adapter.ts";

// A transcription in the format the client asked for (ADR 072): the gateway always asks
// the provider for verbose_json (its duration is the bill) and writes the others from it.

export function renderTranscription(
  answer: Transcription,
  format: string,
  seconds: number,
  headers: Record<string, string>,
): Response {
  const usage = { type: "duration", seconds };
  switch (format) {
    case "text":
      return text(`${answer.text}\n`, "text/plain", headers);
    case "srt":
      return text(subtitles(answer, "srt"), "text/plain", headers);
    case "vtt":
      return text(`WEBVTT\n\n${subtitles(answer, "vtt")}`, "text/vtt", headers);
    case "verbose_json":
      return Response.json(
        {
          task: "transcribe",
          language: answer.language ?? "unknown",
          duration: answer.duration ?? seconds,
          text: answer.text,
          segments: answer.segments ?? [],
          ...(answer.words ? { words: answer.words } : {}),
          usage,
        },
        { headers },
      );
    default:
      return Response.json({ text: answer.text, usage }, { headers });
  }
}

const text = (body: string, type: string, headers: Record<string, string>) =>
  new Response(body, { headers: { ...headers, "Content-Type": `${type}; charset=utf-8` } });

/** Numbered cues from the segments (one cue of the whole text when there are none). */
function subtitles(answer: Transcription, style: "srt" | "vtt") {
  const segments = answer.segments?.length
    ? answer.segments
    : [{ id: 0, start: 0, end: answer.duration ?? 0, text: answer.text }];
  return segments
    .map((segment, index) => {
      const times = `${timestamp(segment.start, style)} --> ${timestamp(segment.end, style)}`;
      return `${style === "srt" ? `${index + 1}\n` : ""}${times}\n${segment.text.trim()}\n`;
    })
    .join("\n");
}

function timestamp(seconds: number, style: "srt" | "vtt") {
  const ms = Math.round(seconds * 1000);
  const pad = (value: number, width = 2) => String(value).padStart(width, "0");
  const clock = `${pad(Math.floor(ms / 3_600_000))}:${pad(Math.floor(ms / 60_000) % 60)}:${pad(Math.floor(ms / 1000) % 60)}`;
  return `${clock}${style === "srt" ? "," : "."}${pad(ms % 1000, 3)}`;
}
