import { describe, expect, test } from "vitest";
import { ConfigError, parseEnv, requireServingSecrets } from "./env.server.ts";

function problemsOf(source: Record<string, string>) {
  try {
    parseEnv(source);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error("expected a ConfigError");
}

describe("parseEnv", () => {
  test("an empty environment is a valid zero-config start", () => {
    const env = parseEnv({});
    expect(env).toMatchObject({
      NODE_ENV: "development",
      PORT: 3000,
      WEB_CONCURRENCY: 1,
      DATA_DIR: ".data",
      LOG_LEVEL: "info",
    });
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.MIGRATE_ON_START).toBeUndefined();
  });

  test("reads every documented variable", () => {
    const env = parseEnv({
      PORT: "8080",
      WEB_CONCURRENCY: "4",
      DATABASE_URL: "postgres://app:pw@db.internal:5432/gateway",
      MIGRATE_ON_START: "true",
      SESSION_SECRET: "x".repeat(32),
      ENCRYPTION_KEY: "a".repeat(64),
      ENCRYPTION_KEY_PREVIOUS: `${"b".repeat(64)}, ${Buffer.alloc(32, 7).toString("base64")}`,
      OPENAI_API_KEY: "sk-test",
      OPENAI_BASE_URL: "http://127.0.0.1:9001/v1",
      ANTHROPIC_API_KEY: "sk-ant",
      ANTHROPIC_BASE_URL: "http://127.0.0.1:9002",
      GEMINI_API_KEY: "AIza",
      GEMINI_BASE_URL: "https://example.test",
      LOG_LEVEL: "debug",
      USAGE_RETENTION_DAYS: "400",
      DATABASE_REPLICA_URL: "postgres://app:pw@replica.internal:5432/gateway",
      DATABASE_REPLICA_MAX_LAG_MS: "5000",
      RESPONSE_CACHE_PRICE_PERCENT: "12.5",
      RESPONSE_CACHE_MAX_MB: "64",
      WEBHOOK_RETRY_BASE_SECONDS: "2",
      PRICE_SYNC_URL: "https://openrouter.ai/api/v1/models",
      PRICE_SYNC_HOURS: "6",
      PRICE_SYNC_MAX_CHANGE_PERCENT: "2.5",
    });
    expect(env).toMatchObject({
      PORT: 8080,
      WEB_CONCURRENCY: 4,
      MIGRATE_ON_START: true,
      OPENAI_BASE_URL: "http://127.0.0.1:9001/v1",
      ENCRYPTION_KEY: "a".repeat(64),
      LOG_LEVEL: "debug",
      USAGE_RETENTION_DAYS: 400,
      DATABASE_REPLICA_URL: "postgres://app:pw@replica.internal:5432/gateway",
      DATABASE_REPLICA_MAX_LAG_MS: 5000,
      RESPONSE_CACHE_PRICE_PERCENT: 12.5,
      RESPONSE_CACHE_MAX_MB: 64,
      WEBHOOK_RETRY_BASE_SECONDS: 2,
      PRICE_SYNC_URL: "https://openrouter.ai/api/v1/models",
      PRICE_SYNC_HOURS: 6,
      PRICE_SYNC_MAX_CHANGE_PERCENT: 2.5,
    });
    expect(env.ENCRYPTION_KEY_PREVIOUS).toContain("b".repeat(64));
  });

  test("blank values count as unset", () => {
    const env = parseEnv({ OPENAI_API_KEY: "", DATABASE_URL: "  ", PORT: "" });
    expect(env.OPENAI_API_KEY).toBeUndefined();
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.PORT).toBe(3000);
  });

  test.each([
    [{ PORT: "abc" }, 'PORT must be a number (got "abc")'],
    [{ PORT: "0" }, 'PORT must be between 1 and 65535 (got "0")'],
    [{ PORT: "70000" }, 'PORT must be between 1 and 65535 (got "70000")'],
    [{ PORT: "80.5" }, 'PORT must be a whole number (got "80.5")'],
    [{ WEB_CONCURRENCY: "0" }, 'WEB_CONCURRENCY must be at least 1 (got "0")'],
    [
      { WEB_CONCURRENCY: "auto" },
      'WEB_CONCURRENCY must be a number of worker processes (got "auto")',
    ],
    [
      { WEB_CONCURRENCY: "1000" },
      "WEB_CONCURRENCY must be at most 64 (one per CPU core is enough)",
    ],
    [{ NODE_ENV: "prod" }, 'NODE_ENV must be one of development, production, test (got "prod")'],
    [
      { LOG_LEVEL: "loud" },
      "LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent",
    ],
    [{ MIGRATE_ON_START: "yes" }, 'MIGRATE_ON_START must be true or false (got "yes")'],
    [{ OPENAI_BASE_URL: "ftp://x" }, 'OPENAI_BASE_URL must be an http(s) URL (got "ftp://x")'],
    [{ GEMINI_BASE_URL: "not a url" }, "GEMINI_BASE_URL must be an http(s) URL"],
    [
      { OTEL_EXPORTER_OTLP_ENDPOINT: "localhost:4318" },
      'OTEL_EXPORTER_OTLP_ENDPOINT must be an http(s) URL (got "localhost:4318")',
    ],
    [
      { DATABASE_URL: "mysql://u:p@h/db" },
      "DATABASE_URL must be a postgres:// or postgresql:// URL",
    ],
    [
      { DATABASE_REPLICA_URL: "mysql://u:p@replica/db" },
      "DATABASE_REPLICA_URL must be a postgres:// or postgresql:// URL",
    ],
    [
      { DATABASE_REPLICA_MAX_LAG_MS: "500" },
      "DATABASE_REPLICA_MAX_LAG_MS must be at least 1000 (the replica's lag is measured every second)",
    ],
    [
      { SESSION_SECRET: "short" },
      "SESSION_SECRET must be at least 32 characters (got 5 characters)",
    ],
    [
      { ENCRYPTION_KEY: "a".repeat(62) },
      "ENCRYPTION_KEY must be 32 random bytes as 64 hex characters (or base64), e.g. from `openssl rand -hex 32` (got 62 characters)",
    ],
    [
      { ENCRYPTION_KEY: Buffer.alloc(33).toString("base64") },
      "ENCRYPTION_KEY must be 32 random bytes as 64 hex characters",
    ],
    [
      { ENCRYPTION_KEY_PREVIOUS: `${"b".repeat(64)},not-a-key` },
      "ENCRYPTION_KEY_PREVIOUS entry 2 must be 32 random bytes as 64 hex characters",
    ],
    [
      { PAYMENT_RECONCILE_AFTER_SECONDS: "0" },
      "PAYMENT_RECONCILE_AFTER_SECONDS must be at least 1",
    ],
    [{ PAYMENT_RECONCILE_AFTER_SECONDS: "5m" }, "PAYMENT_RECONCILE_AFTER_SECONDS must be a number"],
    [
      { USAGE_RETENTION_DAYS: "7" },
      "USAGE_RETENTION_DAYS must be at least 31 (a month's usage rows are always kept)",
    ],
    [{ RESPONSE_CACHE_PRICE_PERCENT: "150" }, "RESPONSE_CACHE_PRICE_PERCENT must be at most 100"],
    [{ RESPONSE_CACHE_MAX_MB: "0" }, "RESPONSE_CACHE_MAX_MB must be at least 1"],
    [{ WEBHOOK_RETRY_BASE_SECONDS: "0.5" }, "WEBHOOK_RETRY_BASE_SECONDS must be a whole number"],
    [{ PRICE_SYNC_URL: "ftp://catalog.example" }, "PRICE_SYNC_URL must be an http(s) URL"],
  ])("%j is rejected with a line naming the variable", (source, message) => {
    const problems = problemsOf(source);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(message);
  });

  test("never echoes secrets or database passwords", () => {
    const problems = problemsOf({
      SESSION_SECRET: "hunter2",
      DATABASE_URL: "mysql://u:topsecret@h/db",
      ENCRYPTION_KEY: "c".repeat(63),
      ENCRYPTION_KEY_PREVIOUS: "d".repeat(65),
    });
    expect(problems).toHaveLength(4);
    expect(problems.join("\n")).not.toContain("hunter2");
    expect(problems.join("\n")).not.toContain("topsecret");
    expect(problems.join("\n")).not.toContain("c".repeat(63));
    expect(problems.join("\n")).not.toContain("d".repeat(65));
  });

  test("reports every bad variable at once", () => {
    expect(problemsOf({ PORT: "x", LOG_LEVEL: "y", OPENAI_BASE_URL: "z" })).toHaveLength(3);
  });

  test("serving in production requires a session secret; the commands do not", () => {
    const production = parseEnv({ NODE_ENV: "production", DATABASE_URL: "postgres://h/db" });
    expect(production.NODE_ENV).toBe("production");
    expect(() => requireServingSecrets(production)).toThrow(
      "SESSION_SECRET is required when NODE_ENV=production (at least 32 random characters: `openssl rand -hex 32`)",
    );
    const withSecret = parseEnv({ NODE_ENV: "production", SESSION_SECRET: "s".repeat(32) });
    expect(requireServingSecrets(withSecret)).toBe(withSecret);
    expect(requireServingSecrets(parseEnv({}))).toMatchObject({ NODE_ENV: "development" });
  });
});
