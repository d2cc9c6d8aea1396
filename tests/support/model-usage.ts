// Usage rows of known age, status and timings for one model on one provider: what
// the model page's and GET /api/v1/models/<id>'s 7- and 30-day numbers are read from.
import type { Prisma } from "../../app/db/prisma.server.ts";
import { createApiKey, createUser } from "./factories.ts";

export interface SeededRequest {
  daysAgo: number;
  status: "SUCCESS" | "ERROR" | "CANCELLED" | "INTERRUPTED";
  latencyMs: number;
  firstTokenMs: number | null;
}

/**
 * The rows the tests of ADR 071 seed for one provider, and what they must read:
 * 7 days: 4 requests, 1 error (25.0%), latency median of 100 and 300 = 200 ms
 * (interpolated: percentile_cont), first token of 10 and 30 = 20 ms; 30 days: 6
 * requests, 2 errors (33.3%), latency 300 ms, first token 30 ms. A cancelled row
 * counts as a request but neither as an error nor in the medians; 40 days is out.
 */
export const SEEDED: SeededRequest[] = [
  { daysAgo: 3, status: "SUCCESS", latencyMs: 100, firstTokenMs: 10 },
  { daysAgo: 3, status: "SUCCESS", latencyMs: 300, firstTokenMs: 30 },
  { daysAgo: 3, status: "ERROR", latencyMs: 50, firstTokenMs: null },
  { daysAgo: 3, status: "CANCELLED", latencyMs: 999, firstTokenMs: 5 },
  { daysAgo: 20, status: "SUCCESS", latencyMs: 1000, firstTokenMs: 100 },
  { daysAgo: 20, status: "ERROR", latencyMs: 20, firstTokenMs: null },
  { daysAgo: 40, status: "SUCCESS", latencyMs: 5, firstTokenMs: 1 },
];

export const EXPECTED = {
  7: { requests: 4, errors: 1, errorRate: 0.25, latencyP50Ms: 200, firstTokenP50Ms: 20 },
  30: { requests: 6, errors: 2, errorRate: 2 / 6, latencyP50Ms: 300, firstTokenP50Ms: 30 },
};

/** Writes `requests` as usage rows of one mapping (a new user and key own them). */
export async function seedModelUsage(
  prisma: Prisma,
  mapping: { id: number; modelSlug: string; providerSlug: string },
  requests: SeededRequest[] = SEEDED,
) {
  const user = await createUser(prisma);
  const { apiKey } = await createApiKey(prisma, user.id);
  await prisma.conversation.createMany({
    data: requests.map((request, i) => ({
      requestId: `usage-${mapping.modelSlug}-${user.id}-${i}`,
      userId: user.id,
      apiKeyId: apiKey.id,
      mappingId: mapping.id,
      modelSlug: mapping.modelSlug,
      providerSlug: mapping.providerSlug,
      upstreamModel: mapping.modelSlug,
      endpoint: "/v1/chat/completions",
      stream: request.firstTokenMs !== null,
      status: request.status,
      usageSource: "REPORTED" as const,
      cost: 0n,
      inputPrice: 0n,
      cachedInputPrice: 0n,
      outputPrice: 0n,
      latencyMs: request.latencyMs,
      timeToFirstTokenMs: request.firstTokenMs,
      createdAt: new Date(Date.now() - request.daysAgo * 24 * 3600 * 1000),
    })),
  });
}
