// How a fake provider answers one request. Tests queue scripts per upstream
// model; without one the fake answers with its default script.

export interface FakeToolCall {
  id: string;
  name: string;
  /** JSON text, streamed in pieces. */
  arguments: string;
}

export interface FakeScript {
  /** Reply text; streamed as `chunks` if given, else split into ~4-character pieces. */
  text?: string;
  chunks?: string[];
  toolCalls?: FakeToolCall[];
  /** Extended thinking, streamed before the text with its signature (Anthropic fake). */
  thinking?: string;
  /** Reported usage; "omit" sends none. Default: input = prompt characters / 4, output = chunk count. */
  usage?: Partial<FakeUsage> | "omit";
  /**
   * Fields written over the provider's own usage object wherever it sends one, as they are:
   * a broken upstream's numbers (`{ completion_tokens: 2.5 }`, `{ input_tokens: -500 }`,
   * `{ candidatesTokenCount: null }`).
   */
  usageOverride?: Record<string, unknown>;
  finishReason?: "stop" | "length" | "tool_calls";
  firstByteDelayMs?: number;
  /** Answer nothing until this settles: a test holds every answer until all its requests are in flight (OpenAI fake). */
  heldUntil?: Promise<unknown>;
  chunkDelayMs?: number;
  /** Answer with this HTTP error status instead (429, 500, 503, 529...). */
  status?: number;
  retryAfterSeconds?: number;
  /** Answer 400 with the provider's own "context window exceeded" error. */
  contextOverflow?: boolean;
  /** Destroy the connection after this many content chunks. */
  cutAfterChunks?: number;
  /** Send a malformed event after this many content chunks, then end. */
  malformedAfterChunks?: number;
  /** Send the provider's mid-stream error event (overloaded) after this many content chunks, then end. */
  errorEventAfterChunks?: number;
  /** Fall silent for `stallMs` after this many content chunks, then go on (OpenAI fake). */
  stallAfterChunks?: number;
  stallMs?: number;
  /** A whole (non-streamed) answer: send the headers and half the body, then fall silent this long (OpenAI fake). */
  bodyStallMs?: number;
  /** Images generated: answer this many images, whatever was asked (OpenAI fake). */
  imagesAnswered?: number;
}

export interface FakeUsage {
  input: number;
  cached: number;
  cacheWrite: number;
  output: number;
  reasoning: number;
}

export interface ReceivedRequest {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  /** Resolves when the connection closed, with whether the fake finished its answer first. */
  closed: Promise<{ completed: boolean; at: number }>;
}

export function contentChunks(script: FakeScript): string[] {
  if (script.chunks) return script.chunks;
  const text = script.text ?? "";
  const pieces: string[] = [];
  for (let i = 0; i < text.length; i += 4) pieces.push(text.slice(i, i + 4));
  return pieces;
}

export function usageFor(
  script: FakeScript,
  promptCharacters: number,
  chunkCount: number,
): FakeUsage | undefined {
  if (script.usage === "omit") return undefined;
  return {
    input: Math.ceil(promptCharacters / 4),
    cached: 0,
    cacheWrite: 0,
    output: chunkCount,
    reasoning: 0,
    ...script.usage,
  };
}

export const sleep = (ms: number | undefined) =>
  ms ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();

/** Per-model script queues plus a default, and a log of what arrived. */
export class Scripts {
  private readonly queues = new Map<string, FakeScript[]>();
  defaultScript: FakeScript = { text: "Hello from the fake provider." };
  readonly received: ReceivedRequest[] = [];
  /** What GET /v1/models lists (OpenAI fake). */
  upstreamModels = ["fake-large", "fake-small"];
  /** Requests carrying one of these upstream keys get its status, whatever the script (OpenAI fake). */
  readonly keyStatuses = new Map<string, number>();

  enqueue(model: string, ...scripts: FakeScript[]) {
    const queue = this.queues.get(model) ?? [];
    queue.push(...scripts);
    this.queues.set(model, queue);
  }

  next(model: string): FakeScript {
    return this.queues.get(model)?.shift() ?? this.defaultScript;
  }

  reset() {
    this.queues.clear();
    this.received.length = 0;
    this.keyStatuses.clear();
    this.upstreamModels = ["fake-large", "fake-small"];
    this.defaultScript = { text: "Hello from the fake provider." };
  }
}
