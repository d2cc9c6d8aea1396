import { expect, test } from "vitest";
import { logLevelSetting, publicUrlSetting } from "./live-settings.server.ts";

test("PUBLIC_URL: trimmed, and blank counts as unset", () => {
  expect(publicUrlSetting({ PUBLIC_URL: " https://llm.example.com " })).toBe(
    "https://llm.example.com",
  );
  expect(publicUrlSetting({ PUBLIC_URL: "  " })).toBeUndefined();
  expect(publicUrlSetting({})).toBeUndefined();
});

test("LOG_LEVEL: trimmed, info when unset or blank", () => {
  expect(logLevelSetting({ LOG_LEVEL: " warn" })).toBe("warn");
  expect(logLevelSetting({ LOG_LEVEL: "" })).toBe("info");
  expect(logLevelSetting({})).toBe("info");
});
