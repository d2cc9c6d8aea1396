// USAGE_RETENTION_DAYS in a running gateway (ADR 061): at its start the retention
// job removes the usage rows of days past it, keeps the rest, and the daily totals
// keep counting what was removed.
import { expect, test } from "vitest";
import { rebuildUsageDays } from "../../app/usage/usage-days.server.ts";
import { createApiKey, createCatalogEntry, createUser } from "../support/factories.ts";
import { setupGatewayProcesses } from "../support/setup-gateway.ts";

let account = { userId: "", apiKeyId: "" };

const { prisma, gateway } = setupGatewayProcesses({
  checkLedger: true,
  // Old and recent usage rows (free ones: no balance to adjust), in place before the start.
  prepare: async (prisma) => {
    const user = await createUser(prisma, { credits: 1 });
    const { apiKey } = await createApiKey(prisma, user.id);
    const { mapping } = await createCatalogEntry(prisma, { modelSlug: "retained" });
    account = { userId: user.id, apiKeyId: apiKey.id };
    for (const [i, daysAgo] of [200, 120, 40, 0].entries())
      await prisma.conversation.create({
        data: {
          requestId: `kept-or-not-${i}`,
          ...account,
          mappingId: mapping.id,
          modelSlug: "retained",
          providerSlug: "openai",
          upstreamModel: "retained",
          endpoint: "/v1/chat/completions",
          stream: false,
          status: "SUCCESS",
          usageSource: "REPORTED",
          cost: 0n,
          inputPrice: 0n,
          cachedInputPrice: 0n,
          outputPrice: 0n,
          latencyMs: 10,
          createdAt: new Date(Date.now() - daysAgo * 86_400_000),
        },
      });
    await rebuildUsageDays(prisma, [user.id]);
  },
  env: () => ({ USAGE_RETENTION_DAYS: "90", LOG_LEVEL: "info" }),
});

test("at its start the gateway removes the usage rows past USAGE_RETENTION_DAYS; the daily totals keep them", async () => {
  await expect
    .poll(() => prisma.conversation.count({ where: { userId: account.userId } }), {
      timeout: 10_000,
    })
    .toBe(2);
  const kept = await prisma.conversation.findMany({ where: { userId: account.userId } });
  expect(kept.map((row) => row.requestId).sort()).toEqual(["kept-or-not-2", "kept-or-not-3"]);
  const days = await prisma.usageDay.aggregate({
    where: { userId: account.userId },
    _sum: { requests: true },
    _count: true,
  });
  expect(days).toEqual({ _sum: { requests: 4n }, _count: 4 });
  await expect.poll(() => gateway.messages()).toContain("removed old usage rows");
});
