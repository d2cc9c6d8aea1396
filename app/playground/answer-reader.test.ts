import { expect, test } from "vitest";
import { AnswerReader } from "./answer-reader.ts";

const event = (data: unknown) => `data: ${JSON.stringify(data)}\n\n`;

test("reads an event stream cut anywhere: the text, the tool calls by index, the exact cost", () => {
  const stream =
    event({ choices: [{ delta: { role: "assistant", content: "" } }] }) +
    event({ choices: [{ delta: { content: "Hel" } }] }) +
    event({ choices: [{ delta: { content: "lo" } }] }) +
    event({
      choices: [
        { delta: { tool_calls: [{ index: 0, function: { name: "get_", arguments: "" } }] } },
      ],
    }) +
    event({
      choices: [
        { delta: { tool_calls: [{ index: 0, function: { name: "weather", arguments: '{"c' } }] } },
      ],
    }) +
    event({
      choices: [{ delta: { tool_calls: [{ index: 0, function: { arguments: 'ity":"Oslo"}' } }] } }],
    }) +
    event({
      choices: [],
      usage: { prompt_tokens: 12, completion_tokens: 5, cost: 0.0001, cost_credits: "0.0123" },
    }) +
    "data: [DONE]\n\n";
  for (const size of [1, 3, 7, stream.length]) {
    const reader = new AnswerReader();
    for (let at = 0; at < stream.length; at += size) reader.push(stream.slice(at, at + size));
    expect(reader.text).toBe("Hello");
    expect(reader.toolCalls).toEqual([{ name: "get_weather", arguments: '{"city":"Oslo"}' }]);
    expect(reader.usage).toEqual({ inputTokens: 12, outputTokens: 5, costCredits: "0.0123" });
    expect(reader.error).toBeUndefined();
  }
});

test("an error chunk mid-stream, a JSON answer, an error body and a body that is not JSON", () => {
  const cut = new AnswerReader();
  cut.push(event({ choices: [{ delta: { content: "Par" } }] }));
  cut.push(
    event({
      error: { message: "Upstream overloaded" },
      choices: [{ delta: {}, finish_reason: "error" }],
    }),
  );
  expect([cut.text, cut.error]).toEqual(["Par", "Upstream overloaded"]);

  const whole = new AnswerReader();
  whole.readJson(
    JSON.stringify({
      choices: [
        {
          message: {
            content: null,
            tool_calls: [
              { function: { name: "a", arguments: "{}" } },
              { function: { name: "b", arguments: '{"x":1}' } },
            ],
          },
        },
      ],
      usage: { prompt_tokens: 3, completion_tokens: 4, cost_credits: "0.01" },
    }),
  );
  expect(whole.toolCalls).toEqual([
    { name: "a", arguments: "{}" },
    { name: "b", arguments: '{"x":1}' },
  ]);
  expect(whole.usage?.costCredits).toBe("0.01");

  const refused = new AnswerReader();
  refused.readJson(JSON.stringify({ error: { message: "Insufficient credits", code: 402 } }));
  expect(refused.error).toBe("Insufficient credits");

  const html = new AnswerReader();
  html.readJson("<html>Bad gateway</html>");
  expect(html.error).toBe("The gateway did not answer in JSON");
});
