import { describe, expect, test } from "vitest";
import type { ChatRequest } from "../../llm/chat-request.ts";
import { toAnthropicParams } from "./convert-to-anthropic-messages.ts";

const convert = (request: Omit<ChatRequest, "model">) =>
  toAnthropicParams({ model: "m", ...request }, "claude-up", 300);

describe("canonical request -> Anthropic Messages", () => {
  test("system and developer messages join into `system`; model and max_tokens are ours", () => {
    expect(
      convert({
        messages: [
          { role: "system", content: "Be brief." },
          { role: "developer", content: [{ type: "text", text: "Use metric units." }] },
          { role: "user", content: "Hi" },
        ],
      }),
    ).toEqual({
      model: "claude-up",
      max_tokens: 300,
      system: "Be brief.\n\nUse metric units.",
      messages: [{ role: "user", content: [{ type: "text", text: "Hi" }] }],
    });
  });

  test("a tool round trip: tool_use in the assistant turn, tool_result in a user turn", () => {
    const params = convert({
      messages: [
        { role: "user", content: "Weather?" },
        {
          role: "assistant",
          content: null,
          tool_calls: [
            { id: "c1", type: "function", function: { name: "w", arguments: '{"city":"Oslo"}' } },
          ],
        },
        { role: "tool", tool_call_id: "c1", content: "3 C" },
        { role: "user", content: "Thanks" },
      ],
      tools: [{ type: "function", function: { name: "w", parameters: { type: "object" } } }],
      tool_choice: "required",
      parallel_tool_calls: false,
    });
    expect(params.messages).toEqual([
      { role: "user", content: [{ type: "text", text: "Weather?" }] },
      {
        role: "assistant",
        content: [{ type: "tool_use", id: "c1", name: "w", input: { city: "Oslo" } }],
      },
      // The tool result and the next user message share one turn: roles must alternate.
      {
        role: "user",
        content: [
          { type: "tool_result", tool_use_id: "c1", content: "3 C" },
          { type: "text", text: "Thanks" },
        ],
      },
    ]);
    expect(params.tools).toEqual([{ name: "w", input_schema: { type: "object" } }]);
    expect(params.tool_choice).toEqual({ type: "any", disable_parallel_tool_use: true });
  });

  test("images: data URLs become base64 sources, http URLs url sources", () => {
    const params = convert({
      messages: [
        {
          role: "user",
          content: [
            { type: "image_url", image_url: { url: "data:image/png;base64,AAAA" } },
            { type: "image_url", image_url: { url: "https://example.test/cat.jpg" } },
          ],
        },
      ],
    });
    expect(params.messages[0]!.content).toEqual([
      { type: "image", source: { type: "base64", media_type: "image/png", data: "AAAA" } },
      { type: "image", source: { type: "url", url: "https://example.test/cat.jpg" } },
    ]);
  });

  test("JSON modes become an instruction; stop becomes stop_sequences", () => {
    const params = convert({
      messages: [{ role: "user", content: "Hi" }],
      response_format: {
        type: "json_schema",
        json_schema: { name: "x", schema: { type: "object" } },
      },
      stop: "END",
    });
    expect(params.system).toMatch(/matches this JSON Schema[\s\S]*\{"type":"object"\}/);
    expect(params.stop_sequences).toEqual(["END"]);
  });

  test.each([
    ["auto", { type: "auto" }],
    ["none", { type: "none" }],
    [
      { type: "function", function: { name: "w" } },
      { type: "tool", name: "w" },
    ],
  ] as const)("tool_choice %o -> %o", (choice, expected) => {
    const params = convert({
      messages: [{ role: "user", content: "Hi" }],
      tools: [{ type: "function", function: { name: "w" } }],
      tool_choice: choice,
    });
    expect(params.tool_choice).toEqual(expected);
  });

  test("arguments that are not JSON are a 400 naming the message", () => {
    expect(() =>
      convert({
        messages: [
          {
            role: "assistant",
            tool_calls: [{ id: "c", type: "function", function: { name: "w", arguments: "{x" } }],
          },
        ],
      }),
    ).toThrow(/messages\[0\]\.tool_calls/);
  });

  test("the reasoning effort is Claude's output_config.effort, none and minimal its lowest", () => {
    const effort = (reasoning_effort: ChatRequest["reasoning_effort"]) =>
      convert({ messages: [{ role: "user", content: "Hi" }], reasoning_effort }).output_config;
    expect(effort(undefined)).toBeUndefined();
    expect(effort("none")).toEqual({ effort: "low" });
    expect(effort("minimal")).toEqual({ effort: "low" });
    expect(effort("xhigh")).toEqual({ effort: "xhigh" });
    expect(effort("max")).toEqual({ effort: "max" });
  });

  test("tool schemas keep JSON Schema's keywords only (Codex's `encrypted` is not one)", () => {
    const params = convert({
      messages: [{ role: "user", content: "Hi" }],
      tools: [
        {
          type: "function",
          function: {
            name: "send",
            parameters: {
              type: "object",
              properties: { encrypted: { type: "string", encrypted: true, description: "d" } },
              required: ["encrypted"],
              "x-vendor": 1,
            },
          },
        },
      ],
    });
    expect(params.tools![0]!.input_schema).toEqual({
      type: "object",
      properties: { encrypted: { type: "string", description: "d" } },
      required: ["encrypted"],
    });
  });

  test("a PDF is a document block, titled by its file name", () => {
    const params = convert({
      messages: [
        {
          role: "user",
          content: [
            {
              type: "file",
              file: { file_data: "data:application/pdf;base64,JVBERi0x", filename: "a.pdf" },
            },
          ],
        },
      ],
    });
    expect(params.messages[0]!.content).toEqual([
      {
        type: "document",
        source: { type: "base64", media_type: "application/pdf", data: "JVBERi0x" },
        title: "a.pdf",
      },
    ]);
  });
});
