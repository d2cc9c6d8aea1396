import type { Prisma } from "../db/prisma.server.ts";
import type { Gateway } from "../gateway/gateway.server.ts";
import { PROVIDER_KINDS } from "../providers/provider-kinds.ts";
import { resolveUpstreamTimeouts } from "../providers/upstream-timeouts.ts";
import { HEALTH_WINDOW_MINUTES, providerHealth } from "./provider-health.server.ts";
import { listProviders } from "./providers.server.ts";

// What the admin Providers page shows: each provider with its recent health,
// this instance's circuit breaker, its own timeouts and the environment's, and
// its keys by their first characters only.

export async function providersPage(prisma: Prisma, gateway: Gateway) {
  const [providers, health] = await Promise.all([listProviders(prisma), providerHealth(prisma)]);
  const skipped = new Set(gateway.breaker.skippedProviders());
  const now = Date.now();
  const inSeconds = (ms: number) => Math.round(ms / 1000);
  return {
    kinds: PROVIDER_KINDS,
    healthMinutes: HEALTH_WINDOW_MINUTES,
    providers: providers.map((provider) => ({
      health: health.get(provider.slug) ?? null,
      // This instance's circuit breaker; another instance keeps its own.
      skipped: skipped.has(provider.slug),
      slug: provider.slug,
      name: provider.name,
      kind: provider.kind,
      baseUrl: provider.baseUrl,
      streamUsage: provider.streamUsage,
      enabled: provider.enabled,
      // Its own timeouts (null: the environment's), and the environment's it would fall back to.
      timeouts: {
        firstByteSeconds: provider.firstByteTimeoutSeconds,
        chunkSeconds: provider.chunkTimeoutSeconds,
        answerSeconds: provider.answerTimeoutSeconds,
      },
      defaultTimeouts: (({ firstByteMs, betweenChunksMs, answerMs }) => ({
        firstByteSeconds: inSeconds(firstByteMs),
        chunkSeconds: inSeconds(betweenChunksMs),
        answerSeconds: inSeconds(answerMs),
      }))(resolveUpstreamTimeouts(gateway.upstreamTimeouts, provider.slug)),
      keys: provider.keys.map((key) => ({
        id: key.id,
        prefix: key.prefix,
        enabled: key.enabled,
        fromEnv: key.envName,
        state: key.invalidAt
          ? "refused"
          : key.coolingUntil && key.coolingUntil.getTime() > now
            ? "cooling"
            : null,
        lastError: key.lastError,
      })),
    })),
  };
}

export type ProvidersPage = Awaited<ReturnType<typeof providersPage>>;
export type ProviderRow = ProvidersPage["providers"][number];
