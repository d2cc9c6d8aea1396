import type { Prisma } from "../db/prisma.server.ts";
import { getGateway } from "../gateway/gateway-instance.server.ts";
import { servedCatalog } from "../gateway/services/served-models.server.ts";
import { formatMoney, formatMoneyParts } from "../utils/money.ts";
import type { OverviewPeriod } from "./overview-periods.ts";
import { dailySpendBy, modelStats } from "./overview-stats.server.ts";
import { quickStartSnippets } from "./quick-start-snippets.ts";

// What the dashboard's Overview shows for an account over a period: balance,
// spend and requests, spend per day by model and by key, each model's numbers,
// and the quick-start snippets for `baseUrl` (the gateway's /v1).

export async function overviewPage(
  prisma: Prisma,
  accountId: string,
  days: OverviewPeriod,
  baseUrl: string,
) {
  const [account, byModel, byKey, models] = await Promise.all([
    prisma.user.findUniqueOrThrow({ where: { id: accountId }, select: { balance: true } }),
    dailySpendBy(prisma, accountId, days, "model"),
    dailySpendBy(prisma, accountId, days, "key"),
    modelStats(prisma, accountId, days),
  ]);
  const spent = models.reduce((sum, model) => sum + model.cost, 0n);
  return {
    days,
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
