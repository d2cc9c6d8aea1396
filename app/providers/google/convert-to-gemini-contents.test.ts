import { expect, test } from "vitest";
import type { ChatRequest } from "../../llm/chat-request.ts";
import { toGeminiRequest } from "./convert-to-gemini-contents.ts";

const convert = (request: Omit<ChatRequest, "model">) =>
  toGeminiRequest({ model: "m", ...request }, "gemini-up", 300);

test("the reasoning effort is the nearest thinking level: none is MINIMAL, max is XHIGH", () => {
  const level = (reasoning_effort: ChatRequest["reasoning_effort"]) =>
    convert({ messages: [{ role: "user", content: "Hi" }], reasoning_effort }).config
      .thinkingConfig;
  expect(level(undefined)).toBeUndefined();
  expect(level("none")).toEqual({ thinkingLevel: "MINIMAL" });
  expect(level("medium")).toEqual({ thinkingLevel: "MEDIUM" });
  expect(level("xhigh")).toEqual({ thinkingLevel: "XHIGH" });
  expect(level("max")).toEqual({ thinkingLevel: "XHIGH" });
});

test("tool schemas keep JSON Schema's keywords only, in every nested schema", () => {
  const { config } = convert({
    messages: [{ role: "user", content: "Hi" }],
    tools: [
      {
        type: "function",
        function: {
          name: "spawn",
          parameters: {
            type: "object",
            properties: {
              message: { type: "string", encrypted: true },
              items: {
                type: "array",
                items: { anyOf: [{ type: "string", encrypted: true }, { type: "null" }] },
              },
            },
            $defs: { id: { type: "string", "x-internal": true } },
            additionalProperties: false,
          },
        },
      },
    ],
  });
  expect(config.tools![0]!.functionDeclarations[0]!.parametersJsonSchema).toEqual({
    type: "object",
    properties: {
      message: { type: "string" },
      items: { type: "array", items: { anyOf: [{ type: "string" }, { type: "null" }] } },
    },
    $defs: { id: { type: "string" } },
    additionalProperties: false,
  });
});

test("a PDF is inline data", () => {
  const { contents } = convert({
    messages: [
      {
        role: "user",
        content: [{ type: "file", file: { file_data: "data:application/pdf;base64,JVBERi0x" } }],
      },
    ],
  });
  expect(contents).toEqual([
    { role: "user", parts: [{ inlineData: { mimeType: "application/pdf", data: "JVBERi0x" } }] },
  ]);
});
