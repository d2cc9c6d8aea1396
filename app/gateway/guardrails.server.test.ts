import { describe, expect, test } from "vitest";
import { PRESET_PATTERNS } from "../accounts/guardrails/guardrail-policy.ts";
import type { RouteOption } from "../catalog/catalog-cache.server.ts";
import { linearRegex } from "../utils/linear-regex.server.ts";
import { compileGuardrails, enforceGuardrails, luhnValid } from "./guardrails.server.ts";

describe("presets", () => {
  test.each(Object.keys(PRESET_PATTERNS))("%s runs in V8's linear-time engine", (name) => {
    expect(linearRegex(PRESET_PATTERNS[name as keyof typeof PRESET_PATTERNS])).toBeInstanceOf(
      RegExp,
    );
  });

  test("a prompt built to make patterns backtrack is scanned in linear time", () => {
    const policy = compileGuardrails({
      contentRules: Object.keys(PRESET_PATTERNS).map((pattern) => ({
        name: pattern,
        pattern,
        action: "redact" as const,
      })),
    });
    const hostile = `${"sk-".repeat(50_000)}${"1 ".repeat(50_000)}${"a.".repeat(50_000)}`;
    const chat = { model: "m", messages: [{ role: "user" as const, content: hostile }] };
    // Counted, not timed: what it finds. Without linear matching this call takes minutes.
    const route = { providerSlug: "openai", prices: { input: 1n, output: 1n } } as RouteOption;
    const guarded = enforceGuardrails(policy, { chat, native: undefined, routes: [route] });
    // The sk- run and the first digit are one key-shaped token; 49,999 digits are no card number.
    expect(guarded.redactions).toBe(1);
    expect(guarded.chat.messages[0]!.content).toBe(
      `[REDACTED:api-key] ${"1 ".repeat(49_999)}${"a.".repeat(50_000)}`,
    );
  });
});

test.each([
  ["4111111111111111", true],
  ["4111111111111112", false],
  ["378282246310005", true],
  ["1234567890123", false],
])("Luhn %s: %s", (digits, valid) => expect(luhnValid(digits)).toBe(valid));
