import { z } from "zod";
import {
  DEFAULT_FREE_ONRAMPS_PER_DAY,
  DEFAULT_SIGN_UPS_PER_ADDRESS_PER_HOUR,
} from "./account-limits.ts";
import { parseTrustProxy } from "./trust-proxy-setting.ts";
import { ENCRYPTION_KEY_EXPECTED, parseEncryptionKey } from "../security/secret-box.server.ts";

// Every environment variable the gateway reads, validated once at boot.
// Blank values count as unset, so `OPENAI_API_KEY=` in a .env file is harmless.

const optionalText = z.string().min(1).optional();

const seconds = z.coerce
  .number({ error: "must be a number of seconds" })
  .int("must be a whole number of seconds")
  .min(1, "must be at least 1")
  .max(3600, "must be at most 3600");

// Encryption keys are checked here so a bad one stops the start along with the
// rest; they stay text (secret-box-from-env decodes them).
const isEncryptionKey = (value: string) => {
  try {
    parseEncryptionKey(value);
    return true;
  } catch {
    return false;
  }
};

const encryptionKey = z.string().refine(isEncryptionKey, ENCRYPTION_KEY_EXPECTED);

const previousEncryptionKeys = z.string().superRefine((value, context) => {
  value.split(",").forEach((key, index) => {
    if (key.trim() !== "" && !isEncryptionKey(key))
      context.addIssue({
        code: "custom",
        message: `entry ${index + 1} ${ENCRYPTION_KEY_EXPECTED}`,
      });
  });
});

const optionalUrl = z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).optional();

const postgresUrl = z
  .url({ protocol: /^postgres(ql)?$/, error: "must be a postgres:// or postgresql:// URL" })
  .optional();

export const EnvSchema = z.object({
  NODE_ENV: z
    .enum(["development", "production", "test"], {
      error: "must be one of development, production, test",
    })
    .default("development"),
  PORT: z.coerce
    .number({ error: "must be a number" })
    .int("must be a whole number")
    .min(1, "must be between 1 and 65535")
    .max(65535, "must be between 1 and 65535")
    .default(3000),
  HOST: optionalText,
  /** Worker processes serving PORT together (Heroku's and Fly's convention); 1 runs one process (ADR 057). */
  WEB_CONCURRENCY: z.coerce
    .number({ error: "must be a number of worker processes" })
    .int("must be a whole number of worker processes")
    .min(1, "must be at least 1")
    .max(64, "must be at most 64 (one per CPU core is enough)")
    .default(1),
  /** The URL users reach the gateway at (shown in the dashboard, decides cookies' Secure flag). */
  PUBLIC_URL: optionalUrl,
  TRUST_PROXY: z
    .string()
    .optional()
    .transform((value, context) => {
      const trust = parseTrustProxy(value);
      if ("error" in trust) {
        context.addIssue({ code: "custom", message: trust.error });
        return z.NEVER;
      }
      return trust;
    }),
  DATABASE_URL: postgresUrl,
  DATABASE_POOL_SIZE: z.coerce
    .number({ error: "must be a number" })
    .int("must be a whole number")
    .min(2, "must be at least 2")
    .max(100, "must be at most 100")
    .default(8),
  /** A streaming replica of DATABASE_URL: the dashboard's usage reads go there (ADR 064). */
  DATABASE_REPLICA_URL: postgresUrl,
  /** Further behind than this, the replica is not read: the primary answers instead. */
  DATABASE_REPLICA_MAX_LAG_MS: z.coerce
    .number({ error: "must be a number of milliseconds" })
    .int("must be a whole number of milliseconds")
    .min(1_000, "must be at least 1000 (the replica's lag is measured every second)")
    .default(30_000),
  DATA_DIR: z.string().min(1).default(".data"),
  MIGRATE_ON_START: z
    .enum(["true", "false", "1", "0"], { error: "must be true or false" })
    .transform((value) => value === "true" || value === "1")
    .optional(),
  SESSION_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  /** Encrypts the upstream API keys stored in the database. */
  ENCRYPTION_KEY: encryptionKey.optional(),
  /** Comma-separated keys that sealed stored values before a rotation; only read, never used to seal. */
  ENCRYPTION_KEY_PREVIOUS: previousEncryptionKeys.optional(),
  METRICS_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
  /** Turns OpenTelemetry tracing on; the SDK reads this and the other OTEL_* variables itself. */
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalUrl,
  OPENAI_API_KEY: optionalText,
  OPENAI_BASE_URL: optionalUrl,
  ANTHROPIC_API_KEY: optionalText,
  ANTHROPIC_BASE_URL: optionalUrl,
  GEMINI_API_KEY: optionalText,
  GEMINI_BASE_URL: optionalUrl,
  /** How long a provider may keep a stream waiting: for its first part, and between parts. */
  UPSTREAM_FIRST_BYTE_TIMEOUT_SECONDS: seconds.default(30),
  UPSTREAM_CHUNK_TIMEOUT_SECONDS: seconds.default(60),
  /** How long a provider may take over the whole of an answer the client does not stream. */
  UPSTREAM_ANSWER_TIMEOUT_SECONDS: seconds.default(300),
  OPENAI_FIRST_BYTE_TIMEOUT_SECONDS: seconds.optional(),
  OPENAI_CHUNK_TIMEOUT_SECONDS: seconds.optional(),
  ANTHROPIC_FIRST_BYTE_TIMEOUT_SECONDS: seconds.optional(),
  ANTHROPIC_CHUNK_TIMEOUT_SECONDS: seconds.optional(),
  GEMINI_FIRST_BYTE_TIMEOUT_SECONDS: seconds.optional(),
  GEMINI_CHUNK_TIMEOUT_SECONDS: seconds.optional(),
  SIGNUP_CREDITS: z.coerce
    .number({ error: "must be a number" })
    .int("must be a whole number of credits")
    .min(0, "must not be negative")
    .max(1_000_000_000, "is too large")
    .default(0),
  ADMIN_EMAIL: z.email({ error: "must be an email address" }).optional(),
  /** Where password reset mail goes out (smtp://user:pass@host:587, smtps://...); ADR 044. */
  SMTP_URL: z.url({ protocol: /^smtps?$/, error: "must be an smtp:// or smtps:// URL" }).optional(),
  /** The sender of that mail: an address, or a name and an address. */
  MAIL_FROM: z
    .string()
    .regex(/^([^<>]+<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/, {
      error: 'must be an email address or "Name <address>"',
    })
    .default("LLM Gateway <no-reply@localhost>"),
  /** Sign-ups one client address (an IPv6 /64) may make per hour; more get 429 (ADR 034). */
  SIGNUPS_PER_ADDRESS_PER_HOUR: z.coerce
    .number({ error: "must be a number" })
    .int("must be a whole number of sign-ups")
    .min(1, "must be at least 1")
    .max(1_000_000, "must be at most 1000000")
    .default(DEFAULT_SIGN_UPS_PER_ADDRESS_PER_HOUR),
  MAX_FORM_BODY_BYTES: z.coerce
    .number({ error: "must be a number" })
    .int("must be a whole number of bytes")
    .min(1024, "must be at least 1024")
    .max(100 * 1024 * 1024, "must be at most 104857600")
    .default(1024 * 1024),
  HOLD_IDLE_MS: z.coerce
    .number({ error: "must be a number" })
    .int("must be a whole number of milliseconds")
    .min(0, "must not be negative")
    .max(600_000, "must be at most 600000")
    .default(2000),
  HOLD_SWEEP_INTERVAL_SECONDS: z.coerce
    .number({ error: "must be a number" })
    .int("must be a whole number")
    .min(1, "must be at least 1")
    .default(5),
  /** Store every request's prompt and answer (else only for keys that opt in). */
  LOG_CONTENT: z
    .enum(["true", "false", "1", "0"], { error: "must be true or false" })
    .transform((value) => value === "true" || value === "1")
    .default(false),
  /** Stored prompts and answers are erased after this many days. */
  CONTENT_RETENTION_DAYS: z.coerce
    .number({ error: "must be a number" })
    .int("must be a whole number of days")
    .min(1, "must be at least 1")
    .max(3650, "must be at most 3650")
    .default(30),
  /**
   * Usage rows (the request log) are removed after this many days; unset keeps them. The daily
   * totals, charges and balances stay (ADR 061). At least 31, so this month's rows are all kept.
   */
  USAGE_RETENTION_DAYS: z.coerce
    .number({ error: "must be a number" })
    .int("must be a whole number of days")
    .min(31, "must be at least 31 (a month's usage rows are always kept)")
    .max(36500, "must be at most 36500")
    .optional(),
  /** Responses API answers (store, previous_response_id) are kept this many days. */
  /** Stripe (issue #11): without the secret key, the Credits page says payments are not configured. */
  STRIPE_SECRET_KEY: z
    .string()
    .regex(/^(sk|rk)_(test|live)_\w+$/, "must be a Stripe secret key (sk_test_..., sk_live_...)")
    .optional(),
  /** The signing secret of the webhook endpoint (whsec_...), from the Stripe dashboard or `stripe listen`. */
  STRIPE_WEBHOOK_SECRET: z
    .string()
    .regex(/^whsec_\w+$/, "must be a webhook signing secret (whsec_...)")
    .optional(),
  /** Where the Stripe SDK sends its calls instead of api.stripe.com (a fake Stripe, stripe-mock). */
  STRIPE_API_BASE: optionalUrl,
  /** Pending payments older than this are checked with Stripe, in case their webhook never came (ADR 045). */
  PAYMENT_RECONCILE_AFTER_SECONDS: z.coerce
    .number({ error: "must be a number" })
    .int("must be a whole number of seconds")
    .min(1, "must be at least 1")
    .max(86_400, "must be at most 86400")
    .default(300),
  /** The seed's free top-up (POST /api/payments/onramp): on unless NODE_ENV=production. */
  FREE_ONRAMP: z
    .enum(["true", "false", "1", "0"], { error: "must be true or false" })
    .transform((value) => value === "true" || value === "1")
    .optional(),
  /** Free top-ups one person may take per 24 hours, for any account (ADR 034). */
  FREE_ONRAMP_PER_DAY: z.coerce
    .number({ error: "must be a number" })
    .int("must be a whole number of top-ups")
    .min(1, "must be at least 1 (FREE_ONRAMP=false turns them off)")
    .max(1_000_000, "must be at most 1000000")
    .default(DEFAULT_FREE_ONRAMPS_PER_DAY),
  /** What an account younger than 30 days may pay in per day, in US dollars (a brake on card testing). */
  MAX_TOPUP_PER_DAY_USD: z.coerce
    .number({ error: "must be a number" })
    .int("must be a whole number of dollars")
    .min(5, "must be at least 5")
    .max(1_000_000)
    .default(200),
  /** What a request served with the user's own provider key costs, in percent of the provider's prices. */
  BYOK_FEE_PERCENT: z.coerce
    .number({ error: "must be a number" })
    .min(0, "must not be negative")
    .max(100, "must be at most 100")
    .refine((percent) => Number.isInteger(percent * 100), "must have at most two decimals")
    .default(0),
  /** What an answer replayed from the response cache costs, in percent of what it cost first (ADR 066). */
  RESPONSE_CACHE_PRICE_PERCENT: z.coerce
    .number({ error: "must be a number" })
    .min(0, "must not be negative")
    .max(100, "must be at most 100")
    .refine((percent) => Number.isInteger(percent * 100), "must have at most two decimals")
    .default(0),
  /** A public price catalog to follow (ADR 069): OpenRouter's /api/v1/models or models.dev's api.json. */
  PRICE_SYNC_URL: optionalUrl,
  /** How often it is fetched. */
  PRICE_SYNC_HOURS: z.coerce
    .number({ error: "must be a number" })
    .int("must be a whole number of hours")
    .min(1, "must be at least 1")
    .max(720, "must be at most 720")
    .default(24),
  /** Price changes this small (in percent) are applied without an admin; 0: every change waits for one. */
  PRICE_SYNC_MAX_CHANGE_PERCENT: z.coerce
    .number({ error: "must be a number" })
    .min(0, "must not be negative")
    .max(100, "must be at most 100")
    .default(0),
  /** The wait before a failed webhook's second attempt; each later one waits twice as long (ADR 068). */
  WEBHOOK_RETRY_BASE_SECONDS: z.coerce
    .number({ error: "must be a number" })
    .int("must be a whole number of seconds")
    .min(1, "must be at least 1")
    .max(3600, "must be at most 3600")
    .default(10),
  /** The response cache's size across all accounts; the oldest answers go first. */
  RESPONSE_CACHE_MAX_MB: z.coerce
    .number({ error: "must be a number" })
    .int("must be a whole number of megabytes")
    .min(1, "must be at least 1")
    .max(1_000_000)
    .default(256),
  RESPONSE_STORE_DAYS: z.coerce
    .number({ error: "must be a number" })
    .int("must be a whole number of days")
    .min(1, "must be at least 1")
    .max(3650, "must be at most 3650")
    .default(30),
  /** How long a client may read nothing of an answer waiting for it before it is cut. */
  CLIENT_READ_TIMEOUT_SECONDS: seconds.default(30),
  /** On SIGTERM, how long running requests may go on before they are ended. */
  SHUTDOWN_GRACE_SECONDS: seconds.default(20),
  LOG_LEVEL: z
    .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"], {
      error: "must be one of fatal, error, warn, info, debug, trace, silent",
    })
    .default("info"),
});

export type Env = z.infer<typeof EnvSchema>;

/** Thrown when the environment is invalid; `problems` has one line per bad variable. */
export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((line) => `  ${line}`).join("\n")}`);
    this.name = "ConfigError";
    this.problems = problems;
  }
}

const SECRET_NAMES = new Set([
  "STRIPE_SECRET_KEY",
  "STRIPE_WEBHOOK_SECRET",
  "DATABASE_URL",
  "DATABASE_REPLICA_URL",
  "SESSION_SECRET",
  "ENCRYPTION_KEY",
  "ENCRYPTION_KEY_PREVIOUS",
  "METRICS_TOKEN",
  "SMTP_URL",
  "OPENAI_API_KEY",
  "ANTHROPIC_API_KEY",
  "GEMINI_API_KEY",
]);

export function parseEnv(source: Record<string, string | undefined>): Env {
  const input = Object.fromEntries(
    Object.keys(EnvSchema.shape).map((name) => [name, blankToUndefined(source[name])]),
  );
  const result = EnvSchema.safeParse(input);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => {
        const name = String(issue.path[0]);
        return `${name} ${issue.message}${describeValue(name, input[name])}`;
      }),
    );
  }
  return result.data;
}

/**
 * What serving needs beyond valid values. Only the server asks: the commands
 * (migrations above all, fly.toml's release command) need only DATABASE_URL.
 */
export function requireServingSecrets(env: Env): Env {
  if (env.NODE_ENV === "production" && !env.SESSION_SECRET) {
    throw new ConfigError([
      "SESSION_SECRET is required when NODE_ENV=production (at least 32 random characters: `openssl rand -hex 32`)",
    ]);
  }
  return env;
}

function blankToUndefined(value: string | undefined) {
  return value === undefined || value.trim() === "" ? undefined : value;
}

// Quote the offending value so the operator sees the typo, but never echo a secret.
function describeValue(name: string, value: unknown) {
  if (typeof value !== "string") return "";
  if (SECRET_NAMES.has(name)) return ` (got ${value.length} characters)`;
  return ` (got ${JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value)})`;
}
