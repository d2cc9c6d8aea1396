import type { Prisma } from "../db/prisma.server.ts";
import type { UsageReads } from "../db/read-replica.server.ts";
import { getGateway } from "../gateway/gateway-instance.server.ts";
import { servedCatalog } from "../gateway/services/served-models.server.ts";
import { formatMoney, formatMoneyParts } from "../utils/money.ts";
import type { OverviewPeriod } from "./overview-periods.ts";
import { dailySpendBy, modelStats } from "./overview-stats.server.ts";
import { quickStartSnippets } from "./quick-start-snippets.ts";

// What the dashboard's Overview shows for an account over a period: balance,
// spend and requests, spend per day by model and by key, each model's numbers,
// and the quick-start snippets for `baseUrl` (the gateway's /v1). The usage
// figures come from `reads` (a replica, ADR 064), the balance from the primary.

export async function overviewPage(
  prisma: Prisma,
  accountId: string,
  days: OverviewPeriod,
  baseUrl: string,
  reads: UsageReads = { prisma, asOf: null },
) {
  const [account, byModel, byKey, models] = await Promise.all([
    prisma.user.findUniqueOrThrow({ where: { id: accountId }, select: { balance: true } }),
    dailySpendBy(reads.prisma, accountId, days, "model"),
    dailySpendBy(reads.prisma, accountId, days, "key"),
    modelStats(reads.prisma, accountId, days),
  ]);
  const spent = models.reduce((sum, model) => sum + model.cost, 0n);
  return {
    days,
    usageAsOf: reads.asOf?.toISOString() ?? null,
    balance: formatMoneyParts(account.balance),
    spent: formatMoneyParts(spent),
    requests: models.reduce((sum, model) => sum + model.requests, 0),
    byModel,
    byKey,
    models: models.map((model) => ({ ...model, cost: formatMoney(model.cost) })),
    snippets: quickStartSnippets(baseUrl, await snippetModel(models.map((row) => row.model))),
  };
}

/** The model the snippets call: the account's most used one still served, else one that is. */
async function snippetModel(usedMost: string[]) {
  const { models } = await servedCatalog(await getGateway());
  const chatModels = [...models.keys()].filter((slug) => !/embed/i.test(slug));
  return usedMost.find((slug) => chatModels.includes(slug)) ?? chatModels[0] ?? "gpt-6.2-sol";
}

export type OverviewPage = Awaited<ReturnType<typeof overviewPage>>;
