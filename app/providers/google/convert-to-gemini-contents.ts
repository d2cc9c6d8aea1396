import { contentText, wantsImages, type ChatRequest } from "../../llm/chat-request.ts";
import { standardJsonSchema } from "../json-schema-keywords.ts";
import { geminiThinkingLevel } from "../reasoning-effort.ts";

// Canonical (OpenAI-shaped) request -> Gemini generateContent request.
// @see https://ai.google.dev/api/generate-content

type GeminiPart =
  | { text: string }
  | { inlineData: { mimeType: string; data: string } }
  | { fileData: { mimeType: string; fileUri: string } }
  | { functionCall: { name: string; args: Record<string, unknown> } }
  | { functionResponse: { name: string; response: Record<string, unknown> } };

export interface GeminiContent {
  role: "user" | "model";
  parts: GeminiPart[];
}

export interface GeminiRequest {
  model: string;
  contents: GeminiContent[];
  config: {
    systemInstruction?: { parts: { text: string }[] };
    maxOutputTokens: number;
    temperature?: number;
    topP?: number;
    stopSequences?: string[];
    responseMimeType?: string;
    responseJsonSchema?: unknown;
    tools?: {
      functionDeclarations: {
        name: string;
        description?: string;
        parametersJsonSchema?: unknown;
      }[];
    }[];
    toolConfig?: {
      functionCallingConfig: { mode: "AUTO" | "ANY" | "NONE"; allowedFunctionNames?: string[] };
    };
    thinkingConfig?: { thinkingLevel: ReturnType<typeof geminiThinkingLevel> };
    responseModalities?: ("TEXT" | "IMAGE")[];
  };
}

/**
 * Gemini knows only `user` and `model` turns: system and developer messages
 * become the system instruction, tool results become user turns with a
 * functionResponse (named after the call they answer), and consecutive turns
 * of one role are merged. The reasoning effort is the nearest thinking level;
 * tool schemas keep JSON Schema's own keywords only.
 */
export function toGeminiRequest(
  request: ChatRequest,
  upstreamModel: string,
  maxTokens: number,
): GeminiRequest {
  const system: string[] = [];
  const contents: GeminiContent[] = [];
  const toolNames = new Map<string, string>();
  const push = (role: GeminiContent["role"], parts: GeminiPart[]) => {
    const last = contents.at(-1);
    if (last?.role === role) last.parts.push(...parts);
    else contents.push({ role, parts });
  };

  for (const message of request.messages) {
    switch (message.role) {
      case "system":
      case "developer":
        system.push(contentText(message.content));
        break;
      case "user":
        push(
          "user",
          typeof message.content === "string"
            ? [{ text: message.content }]
            : message.content.map((part) =>
                part.type === "text"
                  ? { text: part.text }
                  : part.type === "file"
                    ? {
                        inlineData: {
                          mimeType: "application/pdf",
                          data: part.file.file_data.slice(part.file.file_data.indexOf(",") + 1),
                        },
                      }
                    : part.type === "input_audio"
                      ? {
                          inlineData: {
                            mimeType: `audio/${part.input_audio.format}`,
                            data: part.input_audio.data,
                          },
                        }
                      : imagePart(part.image_url.url),
              ),
        );
        break;
      case "assistant": {
        const parts: GeminiPart[] = [];
        const text = contentText(message.content);
        if (text) parts.push({ text });
        for (const call of message.tool_calls ?? []) {
          toolNames.set(call.id, call.function.name);
          parts.push({
            functionCall: { name: call.function.name, args: parseObject(call.function.arguments) },
          });
        }
        if (parts.length > 0) push("model", parts);
        break;
      }
      case "tool": {
        const content = contentText(message.content);
        push("user", [
          {
            functionResponse: {
              name: toolNames.get(message.tool_call_id) ?? message.tool_call_id,
              response: { content: parseMaybeJson(content) },
            },
          },
        ]);
        break;
      }
    }
  }

  const config: GeminiRequest["config"] = { maxOutputTokens: maxTokens };
  if (system.length > 0) config.systemInstruction = { parts: [{ text: system.join("\n\n") }] };
  if (request.temperature != null) config.temperature = request.temperature;
  if (request.top_p != null) config.topP = request.top_p;
  if (request.stop)
    config.stopSequences = Array.isArray(request.stop) ? request.stop : [request.stop];
  if (request.response_format?.type === "json_object") config.responseMimeType = "application/json";
  if (request.response_format?.type === "json_schema") {
    config.responseMimeType = "application/json";
    if (request.response_format.json_schema.schema)
      config.responseJsonSchema = request.response_format.json_schema.schema;
  }
  if (request.tools?.length) {
    config.tools = [
      {
        functionDeclarations: request.tools.map(({ function: fn }) => ({
          name: fn.name,
          ...(fn.description ? { description: fn.description } : {}),
          ...(fn.parameters ? { parametersJsonSchema: standardJsonSchema(fn.parameters) } : {}),
        })),
      },
    ];
  }
  const choice = request.tool_choice;
  if (choice === "auto") config.toolConfig = { functionCallingConfig: { mode: "AUTO" } };
  else if (choice === "required") config.toolConfig = { functionCallingConfig: { mode: "ANY" } };
  else if (choice === "none") config.toolConfig = { functionCallingConfig: { mode: "NONE" } };
  else if (choice)
    config.toolConfig = {
      functionCallingConfig: { mode: "ANY", allowedFunctionNames: [choice.function.name] },
    };
  if (request.reasoning_effort)
    config.thinkingConfig = { thinkingLevel: geminiThinkingLevel(request.reasoning_effort) };
  // Images in the answer only when asked (ADR 073): Gemini's image models would otherwise make
  // them unasked, billed, for a client that cannot show them (a Messages or Responses request).
  config.responseModalities = wantsImages(request) ? ["TEXT", "IMAGE"] : ["TEXT"];
  return { model: upstreamModel, contents, config };
}

function imagePart(url: string): GeminiPart {
  const data = /^data:(image\/[\w.+-]+);base64,(.*)$/s.exec(url);
  if (data) return { inlineData: { mimeType: data[1]!, data: data[2]! } };
  const extension = /\.(png|jpe?g|gif|webp)(?:$|\?)/i.exec(url)?.[1]?.toLowerCase();
  const mimeType =
    extension === "png"
      ? "image/png"
      : extension === "gif"
        ? "image/gif"
        : extension === "webp"
          ? "image/webp"
          : "image/jpeg";
  return { fileData: { mimeType, fileUri: url } };
}

function parseObject(text: string): Record<string, unknown> {
  const value = parseMaybeJson(text || "{}");
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : { value };
}

function parseMaybeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
