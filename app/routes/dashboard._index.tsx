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
import { formatCredits, formatUsd } from "#app/utils/money.ts";
import { Link } from "react-router";
import { cn } from "#app/utils/cn.ts";
import { dailySpendBy, modelStats } from "#app/usage/overview-stats.server.ts";
import { OVERVIEW_PERIODS, overviewPeriod } from "#app/usage/overview-periods.ts";
import { publicOrigin } from "#app/utils/request-origin.server.ts";
import type { Route } from "./+types/dashboard._index";
import { GeneralErrorBoundary } from "#app/components/general-error-boundary.tsx";

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
  return {
    days,
    balance: { credits: formatCredits(account.balance), usd: formatUsd(account.balance, 4) },
    spent: { credits: formatCredits(spent, 4), usd: formatUsd(spent, 4) },
    requests: models.reduce((sum, model) => sum + model.requests, 0),
    byModel,
    byKey,
    models: models.map((model) => ({ ...model, cost: formatCredits(model.cost, 4) })),
    baseUrl: `${publicOrigin(request)}/v1`,
  };
}

export const meta: Route.MetaFunction = () => [{ title: "Overview · LLM Gateway" }];

export default function Overview({ loaderData }: Route.ComponentProps) {
  const { balance, spent, requests, baseUrl, days } = loaderData;
  const curl = `curl ${baseUrl}/chat/completions \\\n  -H "Authorization: Bearer $GATEWAY_KEY" -H "Content-Type: application/json" \\\n  -d '{"model": "gpt-6-luna", "messages": [{"role": "user", "content": "Hello"}]}'`;
  const sdk = `import OpenAI from "openai";\n\nconst client = new OpenAI({ baseURL: "${baseUrl}", apiKey: process.env.GATEWAY_KEY });\nconst reply = await client.chat.completions.create({\n  model: "claude-haiku-5-5",\n  messages: [{ role: "user", content: "Hello" }],\n});`;
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
          <CardContent className="text-sm text-muted-foreground">
            credits · {balance.usd}
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardDescription>Spent, last {days} days</CardDescription>
            <CardTitle className="text-3xl">{spent.credits}</CardTitle>
          </CardHeader>
          <CardContent className="text-sm text-muted-foreground">credits · {spent.usd}</CardContent>
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
      <section aria-labelledby="quick-start" className="grid gap-3">
        <h2 id="quick-start" className="text-lg font-semibold">
          Quick start
        </h2>
        <p className="text-sm text-muted-foreground">Create a key on the API keys page, then:</p>
        <pre
          tabIndex={0}
          className="overflow-x-auto rounded-lg bg-primary p-4 text-sm text-primary-foreground"
        >
          <code>{curl}</code>
        </pre>
        <pre
          tabIndex={0}
          className="overflow-x-auto rounded-lg bg-primary p-4 text-sm text-primary-foreground"
        >
          <code>{sdk}</code>
        </pre>
      </section>
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
