import type { StreamPart } from "../llm/parts.ts";

/** The seed's /completions format carries text only: {"content": "..."}. */
export function seedEvent(part: StreamPart): string | undefined {
  return part.type === "text-delta" ? `{"content":${JSON.stringify(part.text)}}` : undefined;
}
