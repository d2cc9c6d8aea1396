import { getAccounts } from "#app/accounts/accounts.server.ts";
import { requirePageScope } from "#app/accounts/require-user.server.ts";
import { lazy, Suspense } from "react";
import {
  Card,
  CardContent,
  CardDescription,
  CardHeader,
  CardTitle,
} from "#app/components/ui/card.tsx";
import { formatCredits, formatUsd } from "#app/utils/money.ts";
import { publicOrigin } from "#app/utils/request-origin.server.ts";
import type { Route } from "./+types/dashboard._index";
import { GeneralErrorBoundary } from "#app/components/general-error-boundary.tsx";

// recharts weighs some 30 MB in a server process: loaded the first time the page is drawn
// (it draws the chart in the browser; on the server it renders an empty frame).
const SpendChart = lazy(() =>
  import("#app/components/spend-chart.tsx").then((module) => ({ default: module.SpendChart })),
);

export async function loader({ request }: Route.LoaderArgs) {
  const { accountId } = await requirePageScope(request);
  const { prisma } = getAccounts();
  const since = new Date(Date.now() - 30 * 24 * 3600 * 1000);
  const [user, usage, daily, topModels, topKeys] = await Promise.all([
    prisma.user.findUniqueOrThrow({ where: { id: accountId }, select: { balance: true } }),
    prisma.conversation.aggregate({
      where: { userId: accountId, createdAt: { gte: since } },
      _sum: { cost: true },
      _count: true,
    }),
    prisma.$queryRaw<{ day: Date; cost: bigint; requests: bigint }[]>`
      SELECT date_trunc('day', created_at AT TIME ZONE 'UTC') AS day, sum(cost)::bigint AS cost, count(*) AS requests
      FROM conversations WHERE user_id = ${accountId}::uuid AND created_at >= ${since}
      GROUP BY 1 ORDER BY 1`,
    prisma.conversation.groupBy({
      by: ["modelSlug"],
      where: { userId: accountId, createdAt: { gte: since } },
      _sum: { cost: true },
      _count: true,
      orderBy: { _sum: { cost: "desc" } },
      take: 5,
    }),
    prisma.conversation.groupBy({
      by: ["apiKeyId"],
      where: { userId: accountId, createdAt: { gte: since } },
      _sum: { cost: true },
      _count: true,
      orderBy: { _sum: { cost: "desc" } },
      take: 5,
    }),
  ]);
  const keyNames = new Map(
    (
      await prisma.apiKey.findMany({
        where: { id: { in: topKeys.map((row) => row.apiKeyId) } },
        select: { id: true, name: true },
      })
    ).map((key) => [key.id, key.name]),
  );
  const byDay = new Map(daily.map((row) => [row.day.toISOString().slice(0, 10), row]));
  const chart = Array.from({ length: 30 }, (_, i) => {
    const day = new Date(Date.now() - (29 - i) * 24 * 3600 * 1000).toISOString().slice(0, 10);
    const row = byDay.get(day);
    // Display only: the chart library wants numbers.
    return {
      day,
      credits: row ? Number(row.cost) / 1e6 : 0,
      requests: row ? Number(row.requests) : 0,
    };
  });
  return {
    balance: { credits: formatCredits(user.balance), usd: formatUsd(user.balance, 4) },
    spent30d: {
      credits: formatCredits(usage._sum.cost ?? 0n, 4),
      usd: formatUsd(usage._sum.cost ?? 0n, 4),
    },
    requests30d: usage._count,
    chart,
    topModels: topModels.map((row) => ({
      name: row.modelSlug,
      requests: row._count,
      credits: formatCredits(row._sum.cost ?? 0n, 4),
    })),
    topKeys: topKeys.map((row) => ({
      name: keyNames.get(row.apiKeyId) ?? "deleted key",
      requests: row._count,
      credits: formatCredits(row._sum.cost ?? 0n, 4),
    })),
    baseUrl: `${publicOrigin(request)}/v1`,
  };
}

export const meta: Route.MetaFunction = () => [{ title: "Overview · LLM Gateway" }];

export default function Overview({ loaderData }: Route.ComponentProps) {
  const { balance, spent30d, requests30d, baseUrl } = loaderData;
  const curl = `curl ${baseUrl}/chat/completions \\\n  -H "Authorization: Bearer $GATEWAY_KEY" -H "Content-Type: application/json" \\\n  -d '{"model": "gpt-6-luna", "messages": [{"role": "user", "content": "Hello"}]}'`;
  const sdk = `import OpenAI from "openai";\n\nconst client = new OpenAI({ baseURL: "${baseUrl}", apiKey: process.env.GATEWAY_KEY });\nconst reply = await client.chat.completions.create({\n  model: "claude-haiku-5-5",\n  messages: [{ role: "user", content: "Hello" }],\n});`;
  return (
    <div className="grid gap-6">
      <h1 className="text-2xl font-semibold tracking-tight">Overview</h1>
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
            <CardDescription>Spent, last 30 days</CardDescription>
            <CardTitle className="text-3xl">{spent30d.credits}</CardTitle>
          </CardHeader>
          <CardContent className="text-sm text-muted-foreground">
            credits · {spent30d.usd}
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardDescription>Requests, last 30 days</CardDescription>
            <CardTitle className="text-3xl">{requests30d}</CardTitle>
          </CardHeader>
        </Card>
      </div>
      <Card>
        <CardHeader>
          <CardTitle>Spend per day</CardTitle>
          <CardDescription>Credits, last 30 days (UTC)</CardDescription>
        </CardHeader>
        <CardContent>
          <Suspense>
            <SpendChart data={loaderData.chart} />
          </Suspense>
        </CardContent>
      </Card>
      <div className="grid gap-4 md:grid-cols-2">
        <TopList title="Top models by spend" rows={loaderData.topModels} />
        <TopList title="Top keys by spend" rows={loaderData.topKeys} />
      </div>
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

function TopList({
  title,
  rows,
}: {
  title: string;
  rows: { name: string; requests: number; credits: string }[];
}) {
  return (
    <Card>
      <CardHeader>
        <CardTitle>{title}</CardTitle>
        <CardDescription>Last 30 days</CardDescription>
      </CardHeader>
      <CardContent>
        {rows.length === 0 ? (
          <p className="text-sm text-muted-foreground">No requests yet.</p>
        ) : (
          <table className="w-full text-sm" aria-label={title}>
            <tbody>
              {rows.map((row) => (
                <tr key={row.name} className="border-t first:border-t-0">
                  <td className="py-1.5">{row.name}</td>
                  <td className="py-1.5 text-right text-muted-foreground">
                    {row.requests} requests
                  </td>
                  <td className="py-1.5 text-right">{row.credits} credits</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </CardContent>
    </Card>
  );
}

// A failed action or loader shows its message inside the dashboard layout.
export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
