import { describe, expect, test } from "vitest";
import { parseEnv } from "../config/env.server.ts";
import { PROVIDER_KINDS, providerKind } from "./provider-kinds.ts";
import { notConfiguredMessage, PROVIDER_KEY_VARIABLES } from "./provider-setup.ts";
import { upstreamTimeoutsFromEnv } from "./upstream-timeouts.ts";

// Everything below is derived from the list of kinds' descriptors: these are the values the
// hand-written lists held before (issue #24), so a descriptor that drifts fails here.
describe("what the provider kinds' descriptors derive", () => {
  test("the kinds a provider row can speak, in the admin form's order", () => {
    expect(PROVIDER_KINDS).toEqual(["openai", "anthropic", "google", "openai-compatible"]);
    expect(providerKind("openai-compatible")).toMatchObject({
      needsBaseUrl: true,
      listsModels: true,
    });
    expect(providerKind("anthropic")).toMatchObject({ needsBaseUrl: false, listsModels: false });
    expect(providerKind("cohere")).toBeUndefined();
  });

  test("each built-in provider's key variable, by slug", () => {
    expect(PROVIDER_KEY_VARIABLES).toEqual({
      openai: "OPENAI_API_KEY",
      anthropic: "ANTHROPIC_API_KEY",
      google: "GEMINI_API_KEY",
    });
    expect(notConfiguredMessage("gemini-2.5-pro", ["google", "groq"], false)).toBe(
      "No provider for 'gemini-2.5-pro' is configured on this gateway: set GEMINI_API_KEY and " +
        "restart, or add a key for google or groq on /dashboard/admin/providers.",
    );
  });

  test("each built-in provider's own timeout variables", () => {
    const env = parseEnv({
      SESSION_SECRET: "x".repeat(32),
      OPENAI_FIRST_BYTE_TIMEOUT_SECONDS: "5",
      ANTHROPIC_CHUNK_TIMEOUT_SECONDS: "7",
      GEMINI_FIRST_BYTE_TIMEOUT_SECONDS: "9",
    });
    expect(upstreamTimeoutsFromEnv(env).byProvider).toEqual({
      openai: { firstByteMs: 5000, betweenChunksMs: undefined },
      anthropic: { firstByteMs: undefined, betweenChunksMs: 7000 },
      google: { firstByteMs: 9000, betweenChunksMs: undefined },
    });
  });
});
