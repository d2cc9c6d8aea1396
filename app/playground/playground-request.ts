// What the playground sends (ADR 070): one OpenAI chat request per column, built from the
// chat's settings and that column's history. The same builder feeds the gateway call and the
// "View code" snippets, so the code shown is the request made.

export interface PlaygroundSettings {
  system: string;
  /** null: the model's default. */
  temperature: number | null;
  maxTokens: number | null;
  /** OpenAI function tools, as the JSON box holds them; null: none. */
  tools: unknown[] | null;
}

export const DEFAULT_SETTINGS: PlaygroundSettings = {
  system: "",
  temperature: null,
  maxTokens: null,
  tools: null,
};

/** A turn of one column's conversation: the person's prompt (with images) or the model's answer. */
export interface HistoryMessage {
  role: "user" | "assistant";
  content: string;
  images?: string[];
}

/** The body of POST /v1/chat/completions for one model. */
export function chatBody(
  model: string,
  settings: PlaygroundSettings,
  history: HistoryMessage[],
  stream: boolean,
) {
  const messages: unknown[] = [];
  if (settings.system.trim()) messages.push({ role: "system", content: settings.system });
  for (const message of history) messages.push(chatMessage(message));
  return {
    model,
    messages,
    ...(settings.temperature === null ? {} : { temperature: settings.temperature }),
    ...(settings.maxTokens === null ? {} : { max_tokens: settings.maxTokens }),
    ...(settings.tools ? { tools: settings.tools } : {}),
    ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
  };
}

function chatMessage({ role, content, images }: HistoryMessage) {
  if (!images?.length) return { role, content };
  return {
    role,
    content: [
      { type: "text", text: content },
      ...images.map((url) => ({ type: "image_url", image_url: { url } })),
    ],
  };
}
