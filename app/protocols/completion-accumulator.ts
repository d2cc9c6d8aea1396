import { EMPTY_USAGE, type FinishReason, type StreamPart, type Usage } from "../llm/parts.ts";

/** Collects parts into the whole answer: for JSON responses, estimates and logs. */
export class CompletionAccumulator {
  text = "";
  /** Claude's thinking and its signature, when the request asked for it. */
  thinking = "";
  signature = "";
  readonly toolCalls: { id: string; name: string; arguments: string }[] = [];
  /** Images the model made (ADR 073), as data URLs. */
  readonly images: string[] = [];
  finishReason: FinishReason | undefined;
  reportedUsage: Usage | undefined;

  add(part: StreamPart) {
    switch (part.type) {
      case "text-delta":
        this.text += part.text;
        break;
      case "tool-call-start":
        this.toolCalls[part.index] = { id: part.id, name: part.name, arguments: "" };
        break;
      case "tool-call-delta": {
        const call = this.toolCalls[part.index];
        if (call) call.arguments += part.argumentsDelta;
        break;
      }
      case "thinking-delta":
        this.thinking += part.text;
        break;
      case "thinking-signature":
        this.signature += part.signature;
        break;
      case "image":
        this.images.push(imageDataUrl(part));
        break;
      case "finish":
        this.finishReason = part.finishReason;
        break;
      case "usage":
        // Providers report running totals; the latest is the truest.
        this.reportedUsage = { ...EMPTY_USAGE, ...this.reportedUsage, ...part.usage };
        break;
    }
  }

  /** Everything the model produced, as text (for estimating output tokens; thinking is billed as output). */
  producedText() {
    return (
      this.thinking + this.text + this.toolCalls.map((call) => call.name + call.arguments).join("")
    );
  }
}

/** An image part as OpenRouter's answers carry it: a data URL. */
export const imageDataUrl = (part: { mimeType: string; base64: string }) =>
  `data:${part.mimeType};base64,${part.base64}`;
