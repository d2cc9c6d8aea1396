import { getAccounts } from "#app/accounts/accounts.server.ts";
import { requirePageScope } from "#app/accounts/require-user.server.ts";
import { SpendChart } from "#app/components/spend-chart.tsx";
import {
  Card,
  CardContent,
  CardDescription,
  CardHeader,
  CardTitle,
} from "#app/components/ui/card.tsx";
import { formatMoney, formatMoneyParts } from "#app/utils/money.ts";
import { Link } from "react-router";
import { cn } from "#app/utils/cn.ts";
import { dailySpendBy, modelStats } from "#app/usage/overview-stats.server.ts";
import { OVERVIEW_PERIODS, overviewPeriod } from "#app/usage/overview-periods.ts";
import { publicOrigin } from "#app/http/request-origin.server.ts";
import type { Route } from "./+types/dashboard._index";
import { GeneralErrorBoundary } from "#app/components/general-error-boundary.tsx";
import { QuickStart } from "#app/components/quick-start.tsx";
import { getGateway } from "#app/gateway/gateway-instance.server.ts";
import { servedCatalog } from "#app/gateway/services/served-models.server.ts";
import { quickStartSnippets } from "#app/usage/quick-start-snippets.ts";

export async function loader({ request }: Route.LoaderArgs) {
  const { accountId } = await requirePageScope(request);
  const { prisma } = getAccounts();
  const days = overviewPeriod(new URL(request.url));
  const [account, byModel, byKey, models] = await Promise.all([
    prisma.user.findUniqueOrThrow({ where: { id: accountId }, select: { balance: true } }),
    dailySpendBy(prisma, accountId, days, "model"),
    dailySpendBy(prisma, accountId, days, "key"),
    modelStats(prisma, accountId, days),
  ]);
  const spent = models.reduce((sum, model) => sum + model.cost, 0n);
  const baseUrl = `${publicOrigin(request)}/v1`;
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

export const meta: Route.MetaFunction = () => [{ title: "Overview · LLM Gateway" }];

export default function Overview({ loaderData }: Route.ComponentProps) {
  const { balance, spent, requests, days } = loaderData;
  return (
    <div className="grid gap-6">
      <h1 className="text-2xl font-semibold tracking-tight">Overview</h1>
      <nav aria-label="Period" className="flex gap-1">
        {OVERVIEW_PERIODS.map((period) => (
          <Link
            key={period}
            to={`?days=${period}`}
            aria-current={period === days ? "page" : undefined}
            className={cn(
              "rounded-md px-3 py-1.5 text-sm font-medium hover:bg-accent",
              period === days ? "bg-accent" : "text-muted-foreground",
            )}
          >
            {period} days
          </Link>
        ))}
      </nav>
      <div className="grid gap-4 sm:grid-cols-3">
        <Card>
          <CardHeader>
            <CardDescription>Balance</CardDescription>
            <CardTitle className="text-3xl">{balance.credits}</CardTitle>
          </CardHeader>
          <CardContent className="text-sm text-muted-foreground">({balance.usd})</CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardDescription>Spent, last {days} days</CardDescription>
            <CardTitle className="text-3xl">{spent.credits}</CardTitle>
          </CardHeader>
          <CardContent className="text-sm text-muted-foreground">({spent.usd})</CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardDescription>Requests, last {days} days</CardDescription>
            <CardTitle className="text-3xl">{requests}</CardTitle>
          </CardHeader>
        </Card>
      </div>
      {[
        { title: "Spend per day by model", chart: loaderData.byModel },
        { title: "Spend per day by key", chart: loaderData.byKey },
      ].map(({ title, chart }) => (
        <Card key={title}>
          <CardHeader>
            <CardTitle>{title}</CardTitle>
            <CardDescription>Credits, last {days} days (UTC)</CardDescription>
          </CardHeader>
          <CardContent>
            {chart.series.length === 0 ? (
              <p className="text-sm text-muted-foreground">No requests in this period.</p>
            ) : (
              <SpendChart
                data={chart.data}
                series={chart.series}
                label={`${title}, last ${days} days: ${chart.series.join(", ")}`}
              />
            )}
          </CardContent>
        </Card>
      ))}
      <ModelTable days={days} rows={loaderData.models} />
      <QuickStart snippets={loaderData.snippets} />
    </div>
  );
}

function ModelTable({
  days,
  rows,
}: {
  days: number;
  rows: {
    model: string;
    requests: number;
    cost: string;
    latencyMs: number | null;
    ttftMs: number | null;
    errors: number;
  }[];
}) {
  return (
    <Card>
      <CardHeader>
        <CardTitle>Models</CardTitle>
        <CardDescription>
          Last {days} days: spend, average latency and time to first token (streams)
        </CardDescription>
      </CardHeader>
      <CardContent>
        {rows.length === 0 ? (
          <p className="text-sm text-muted-foreground">No requests yet.</p>
        ) : (
          <div tabIndex={0} className="overflow-x-auto">
            <table className="max-sm:table-cards w-full text-sm" aria-label="Models">
              <thead className="text-left">
                <tr>
                  <th className="py-1.5 pr-3 font-medium">Model</th>
                  <th className="py-1.5 pr-3 text-right font-medium">Requests</th>
                  <th className="py-1.5 pr-3 text-right font-medium">Errors</th>
                  <th className="py-1.5 pr-3 text-right font-medium">Credits</th>
                  <th className="py-1.5 pr-3 text-right font-medium">Avg latency</th>
                  <th className="py-1.5 text-right font-medium">Avg first token</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((row) => (
                  <tr key={row.model} className="border-t">
                    <td className="py-1.5 pr-3 font-medium sm:font-normal">{row.model}</td>
                    <td data-label="Requests" className="py-1.5 pr-3 text-right">
                      {row.requests}
                    </td>
                    <td data-label="Errors" className="py-1.5 pr-3 text-right">
                      {row.errors}
                    </td>
                    <td data-label="Credits" className="py-1.5 pr-3 text-right">
                      {row.cost}
                    </td>
                    <td
                      data-label="Avg latency"
                      className="py-1.5 pr-3 text-right whitespace-nowrap"
                    >
                      {row.latencyMs === null ? "–" : `${row.latencyMs} ms`}
                    </td>
                    <td
                      data-label="Avg first token"
                      className="py-1.5 text-right whitespace-nowrap"
                    >
                      {row.ttftMs === null ? "–" : `${row.ttftMs} ms`}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </CardContent>
    </Card>
  );
}

// A failed action or loader shows its message inside the dashboard layout.
export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
