import type { Env } from "../config/env.server.ts";
import { BUILT_IN_PROVIDERS } from "./provider-kinds.ts";

/**
 * How long a provider may keep the gateway waiting (docs/decisions/014-timeouts.md,
 * 035-upstream-timeouts-per-provider.md): for the first part of a stream, between
 * two parts, and for the whole of an answer the client does not stream.
 */
export interface UpstreamTimeouts {
  firstByteMs: number;
  betweenChunksMs: number;
  answerMs: number;
}

export const DEFAULT_UPSTREAM_TIMEOUTS: UpstreamTimeouts = {
  firstByteMs: 30_000,
  betweenChunksMs: 60_000,
  answerMs: 300_000,
};

/** The environment's limits: the gateway-wide ones, and the built-in providers' own variables. */
export interface EnvUpstreamTimeouts {
  defaults: UpstreamTimeouts;
  byProvider: Partial<Record<string, Partial<UpstreamTimeouts>>>;
}

/** A provider row's own limits, in seconds; null: the environment's. */
export interface ProviderTimeoutColumns {
  firstByteTimeoutSeconds: number | null;
  chunkTimeoutSeconds: number | null;
  answerTimeoutSeconds: number | null;
}

export function upstreamTimeoutsFromEnv(env: Env): EnvUpstreamTimeouts {
  const seconds = (value: number | undefined) => (value === undefined ? undefined : value * 1000);
  const own = (firstByte: number | undefined, betweenChunks: number | undefined) => ({
    firstByteMs: seconds(firstByte),
    betweenChunksMs: seconds(betweenChunks),
  });
  return {
    defaults: {
      firstByteMs: env.UPSTREAM_FIRST_BYTE_TIMEOUT_SECONDS * 1000,
      betweenChunksMs: env.UPSTREAM_CHUNK_TIMEOUT_SECONDS * 1000,
      answerMs: env.UPSTREAM_ANSWER_TIMEOUT_SECONDS * 1000,
    },
    byProvider: Object.fromEntries(
      BUILT_IN_PROVIDERS.map((provider) => [
        provider.slug,
        own(env[provider.firstByteTimeoutVariable], env[provider.chunkTimeoutVariable]),
      ]),
    ),
  };
}

/**
 * A provider's limits: its row's columns, else its own environment variables
 * (the built-in providers), else the gateway-wide ones. Providers added
 * through the admin API have rows, and so the gateway-wide limits at least.
 */
export function resolveUpstreamTimeouts(
  env: EnvUpstreamTimeouts,
  slug: string,
  row?: ProviderTimeoutColumns,
): UpstreamTimeouts {
  const own = env.byProvider[slug];
  const pick = (column: number | null | undefined, key: keyof UpstreamTimeouts) =>
    column != null ? column * 1000 : (own?.[key] ?? env.defaults[key]);
  return {
    firstByteMs: pick(row?.firstByteTimeoutSeconds, "firstByteMs"),
    betweenChunksMs: pick(row?.chunkTimeoutSeconds, "betweenChunksMs"),
    answerMs: pick(row?.answerTimeoutSeconds, "answerMs"),
  };
}
