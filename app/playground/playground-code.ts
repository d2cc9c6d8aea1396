import { chatBody, type HistoryMessage, type PlaygroundSettings } from "./playground-request.ts";

// "View code" (ADR 070): the request a column makes, as code to run against this gateway:
// curl, Python and TypeScript with the openai SDK, TypeScript with the Anthropic SDK. Built
// from the same chatBody as the playground's own call; the key is read from
// GATEWAY_API_KEY. Images (data URLs of up to 1 MB) are shortened to keep the page light.

export const CODE_LANGUAGES = ["curl", "python", "typescript", "anthropic"] as const;
export type CodeLanguage = (typeof CODE_LANGUAGES)[number];

export const CODE_LABELS: Record<CodeLanguage, string> = {
  curl: "curl",
  python: "Python (openai)",
  typescript: "TypeScript (openai)",
  anthropic: "TypeScript (Anthropic SDK)",
};

export function playgroundCode(
  language: CodeLanguage,
  origin: string,
  model: string,
  settings: PlaygroundSettings,
  history: HistoryMessage[],
): string {
  const shown = history.map((message) => ({
    ...message,
    images: message.images?.map(shortenDataUrl),
  }));
  const body = chatBody(model, settings, shown, true);
  switch (language) {
    case "curl":
      return [
        `curl ${origin}/v1/chat/completions \\`,
        `  -H "Authorization: Bearer $GATEWAY_API_KEY" \\`,
        `  -H "Content-Type: application/json" \\`,
        `  -d ${shellQuote(JSON.stringify(body, null, 2))}`,
      ].join("\n");
    case "python":
      return [
        "import os",
        "from openai import OpenAI",
        "",
        `client = OpenAI(base_url=${JSON.stringify(`${origin}/v1`)}, api_key=os.environ["GATEWAY_API_KEY"])`,
        "stream = client.chat.completions.create(",
        ...Object.entries(body).map(([name, value]) => `    ${name}=${python(value, 4)},`),
        ")",
        "for chunk in stream:",
        "    if chunk.choices and chunk.choices[0].delta.content:",
        '        print(chunk.choices[0].delta.content, end="", flush=True)',
        "print()",
      ].join("\n");
    case "typescript":
      return [
        'import OpenAI from "openai";',
        "",
        `const client = new OpenAI({ baseURL: ${JSON.stringify(`${origin}/v1`)}, apiKey: process.env.GATEWAY_API_KEY });`,
        `const stream = await client.chat.completions.create(${JSON.stringify(body, null, 2)});`,
        'for await (const chunk of stream) process.stdout.write(chunk.choices[0]?.delta?.content ?? "");',
        'process.stdout.write("\\n");',
      ].join("\n");
    case "anthropic":
      return [
        'import Anthropic from "@anthropic-ai/sdk";',
        "",
        `const client = new Anthropic({ baseURL: ${JSON.stringify(origin)}, apiKey: process.env.GATEWAY_API_KEY });`,
        `const stream = client.messages.stream(${JSON.stringify(anthropicBody(model, settings, shown), null, 2)});`,
        'stream.on("text", (text) => process.stdout.write(text));',
        "await stream.finalMessage();",
        'process.stdout.write("\\n");',
      ].join("\n");
  }
}

/** The same request in Anthropic's Messages shape (its SDK needs max_tokens). */
export function anthropicBody(
  model: string,
  settings: PlaygroundSettings,
  history: HistoryMessage[],
) {
  return {
    model,
    max_tokens: settings.maxTokens ?? 1024,
    ...(settings.system.trim() ? { system: settings.system } : {}),
    ...(settings.temperature === null ? {} : { temperature: settings.temperature }),
    ...(settings.tools ? { tools: settings.tools.map(anthropicTool) } : {}),
    messages: history.map(({ role, content, images }) => ({
      role,
      content: images?.length
        ? [{ type: "text", text: content }, ...images.map(anthropicImage)]
        : content,
    })),
  };
}

function anthropicTool(tool: unknown) {
  const { function: fn } = tool as {
    function: { name: string; description?: string; parameters?: unknown };
  };
  return {
    name: fn.name,
    ...(fn.description ? { description: fn.description } : {}),
    input_schema: fn.parameters ?? { type: "object", properties: {} },
  };
}

function anthropicImage(url: string) {
  const data = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  return data
    ? { type: "image", source: { type: "base64", media_type: data[1], data: data[2] } }
    : { type: "image", source: { type: "url", url } };
}

const SHOWN_DATA_CHARACTERS = 48;

function shortenDataUrl(url: string) {
  return url.startsWith("data:") && url.length > SHOWN_DATA_CHARACTERS * 2
    ? `${url.slice(0, SHOWN_DATA_CHARACTERS)}…(image shortened: attach your own)`
    : url;
}

/** One argument for a POSIX shell: single quotes, with each ' written as '\''. */
export const shellQuote = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;

/** A JSON value as a Python literal (True, False, None; JSON's strings are Python's). */
function python(value: unknown, depth: number): string {
  if (value === null) return "None";
  if (value === true) return "True";
  if (value === false) return "False";
  if (typeof value === "string" || typeof value === "number") return JSON.stringify(value);
  const pad = " ".repeat(depth + 4);
  const end = " ".repeat(depth);
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    return `[\n${value.map((item) => pad + python(item, depth + 4)).join(",\n")},\n${end}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return "{}";
  return `{\n${entries.map(([key, item]) => `${pad}${JSON.stringify(key)}: ${python(item, depth + 4)}`).join(",\n")},\n${end}}`;
}
