// Reads the gateway's answer to a playground column (ADR 070) as it comes: the chat
// completion chunks of OpenRouter's API (`/api/v1/chat/completions`), whose last chunk
// carries the usage with the exact cost in credits. The browser reads it to draw the
// column; the server reads the same bytes to keep the answer.

/** A claimed answer not yet written: its column is still running (or its server stopped). */
export const ANSWER_RUNNING = "running";
/** The browser stopped the column: the answer is what came before, billed as produced. */
export const ANSWER_STOPPED = "stopped";

export interface ColumnUsage {
  inputTokens: number;
  outputTokens: number;
  /** Exact credits, as the usage row has them: "0.001234". */
  costCredits: string;
}

export interface ToolCallText {
  name: string;
  arguments: string;
}

type Chunk = {
  choices?: {
    delta?: { content?: string | null; tool_calls?: ToolCallDelta[] };
    message?: { content?: string | null; tool_calls?: ToolCallDelta[] };
  }[];
  usage?: { prompt_tokens?: number; completion_tokens?: number; cost_credits?: string };
  error?: { message?: string };
};

type ToolCallDelta = { index?: number; function?: { name?: string; arguments?: string } };

export class AnswerReader {
  text = "";
  toolCalls: ToolCallText[] = [];
  usage: ColumnUsage | undefined;
  error: string | undefined;
  private pending = "";

  /** Takes the next bytes of an event stream (as text); true when the answer changed. */
  push(text: string): boolean {
    this.pending += text;
    let changed = false;
    let end: number;
    while ((end = this.pending.indexOf("\n\n")) !== -1) {
      const event = this.pending.slice(0, end);
      this.pending = this.pending.slice(end + 2);
      for (const line of event.split("\n")) {
        if (!line.startsWith("data:")) continue;
        const data = line.slice(5).trim();
        if (data === "[DONE]") continue;
        changed = this.read(JSON.parse(data) as Chunk) || changed;
      }
    }
    return changed;
  }

  /** A whole answer (a JSON chat completion, or an error body). */
  readJson(body: string) {
    let parsed: Chunk;
    try {
      parsed = JSON.parse(body) as Chunk;
    } catch {
      this.error = "The gateway did not answer in JSON";
      return;
    }
    this.read(parsed);
  }

  private read(chunk: Chunk): boolean {
    if (chunk.error) this.error = chunk.error.message ?? "The request failed";
    const choice = chunk.choices?.[0];
    const delta = choice?.delta ?? choice?.message;
    if (delta?.content) this.text += delta.content;
    for (const call of delta?.tool_calls ?? []) {
      const index = call.index ?? this.toolCalls.length;
      const known = (this.toolCalls[index] ??= { name: "", arguments: "" });
      known.name += call.function?.name ?? "";
      known.arguments += call.function?.arguments ?? "";
    }
    if (chunk.usage?.cost_credits !== undefined)
      this.usage = {
        inputTokens: chunk.usage.prompt_tokens ?? 0,
        outputTokens: chunk.usage.completion_tokens ?? 0,
        costCredits: chunk.usage.cost_credits,
      };
    return true;
  }
}
