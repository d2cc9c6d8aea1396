import { execFileSync } from "node:child_process";
import { expect, test } from "vitest";
import { anthropicBody, playgroundCode, shellQuote } from "./playground-code.ts";
import { chatBody, type PlaygroundSettings } from "./playground-request.ts";

const settings: PlaygroundSettings = {
  system: "Say 'hi' in \"quotes\"; $HOME stays literal.",
  temperature: 0.7,
  maxTokens: 300,
  tools: [
    {
      type: "function",
      function: {
        name: "get_weather",
        description: "Weather now",
        parameters: { type: "object", properties: { city: { type: "string" } } },
      },
    },
  ],
};
const history = [
  {
    role: "user" as const,
    content: "It's\nhere",
    images: ["data:image/png;base64," + "A".repeat(500)],
  },
  { role: "assistant" as const, content: "Yes." },
  { role: "user" as const, content: "And null? true?" },
];

test("curl's body is the request, whatever quotes and dollars the prompts hold", () => {
  const code = playgroundCode("curl", "http://gw.test", "gpt-x", settings, history);
  const quoted = code.slice(code.indexOf("-d ") + 3);
  // The shell reads the quoted argument back: print it instead of sending it.
  const body = execFileSync("bash", ["-c", `printf %s ${quoted}`], { encoding: "utf8" });
  const sent = JSON.parse(body) as ReturnType<typeof chatBody>;
  expect(sent.model).toBe("gpt-x");
  expect(sent).toMatchObject({
    temperature: 0.7,
    max_tokens: 300,
    stream: true,
    tools: settings.tools,
  });
  expect(sent.messages[0]).toEqual({ role: "system", content: settings.system });
  // Images are shortened for the page.
  expect(JSON.stringify(sent.messages[1])).toContain("(image shortened: attach your own)");
  expect(shellQuote("a'b")).toBe(`'a'\\''b'`);
});

test("Python's arguments are Python literals of the same request", () => {
  const code = playgroundCode("python", "http://gw.test", "gpt-x", settings, history);
  expect(code).toContain('base_url="http://gw.test/v1"');
  expect(code).toContain("stream=True,");
  expect(code).not.toMatch(/\b(true|false|null)\b(?=[,\]}\n])/);
  // Python reads the arguments back as the same values as the JSON body.
  const script = `${code.slice(code.indexOf("stream = client"))}`
    .replace("stream = client.chat.completions.create(", "import json\nprint(json.dumps(dict(")
    .replace(/\n\)\nfor chunk[\s\S]*$/, "\n)))");
  const read = execFileSync("python3", ["-c", script], { encoding: "utf8" });
  const shown = history.map((message) => ({
    ...message,
    images: message.images?.map((url) => `${url.slice(0, 48)}…(image shortened: attach your own)`),
  }));
  expect(JSON.parse(read)).toEqual(chatBody("gpt-x", settings, shown, true));
});

test("the Anthropic SDK's request: max_tokens, system apart, tools as input_schema, images as base64", () => {
  const body = anthropicBody("claude-x", { ...settings, maxTokens: null }, history);
  expect(body).toMatchObject({
    model: "claude-x",
    max_tokens: 1024,
    system: settings.system,
    temperature: 0.7,
    tools: [
      {
        name: "get_weather",
        description: "Weather now",
        input_schema: { type: "object", properties: { city: { type: "string" } } },
      },
    ],
  });
  expect(body.messages[0]!.content).toEqual([
    { type: "text", text: "It's\nhere" },
    { type: "image", source: { type: "base64", media_type: "image/png", data: "A".repeat(500) } },
  ]);
  expect(body.messages[1]).toEqual({ role: "assistant", content: "Yes." });
});
