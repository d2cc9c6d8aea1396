import type { StreamPart } from "../llm/parts.ts";

/** The events of POST /completions (the starter app's format) carry text only: {"content": "..."}. */
export function contentEvent(part: StreamPart): string | undefined {
  return part.type === "text-delta" ? `{"content":${JSON.stringify(part.text)}}` : undefined;
}
