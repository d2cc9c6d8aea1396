import { getAccounts } from "#app/accounts/accounts.server.ts";
import { requirePageScope } from "#app/accounts/require-user.server.ts";
import { GeneralErrorBoundary } from "#app/components/general-error-boundary.tsx";
import { QuickStart } from "#app/components/quick-start.tsx";
import { ModelStatsTable } from "#app/components/usage/model-stats-table.tsx";
import { OverviewTotals } from "#app/components/usage/overview-totals.tsx";
import { PeriodNav } from "#app/components/usage/period-nav.tsx";
import { UsageAsOf } from "#app/components/usage/usage-as-of.tsx";
import { SpendChartCard } from "#app/components/usage/spend-chart-card.tsx";
import { publicOrigin } from "#app/http/request-origin.server.ts";
import { usageReads } from "#app/db/read-replica.server.ts";
import { overviewPage } from "#app/usage/overview-page.server.ts";
import { overviewPeriod } from "#app/usage/overview-periods.ts";
import type { Route } from "./+types/dashboard._index";

export async function loader({ request }: Route.LoaderArgs) {
  const { accountId } = await requirePageScope(request);
  const days = overviewPeriod(new URL(request.url));
  const baseUrl = `${publicOrigin(request)}/v1`;
  return overviewPage(getAccounts().prisma, accountId, days, baseUrl, usageReads());
}

export const meta: Route.MetaFunction = () => [{ title: "Overview · LLM Gateway" }];

export default function Overview({ loaderData }: Route.ComponentProps) {
  const { balance, spent, requests, days } = loaderData;
  return (
    <div className="grid gap-6">
      <h1 className="text-2xl font-semibold tracking-tight">Overview</h1>
      <PeriodNav days={days} />
      <UsageAsOf asOf={loaderData.usageAsOf} />
      <OverviewTotals balance={balance} spent={spent} requests={requests} days={days} />
      <SpendChartCard title="Spend per day by model" days={days} chart={loaderData.byModel} />
      <SpendChartCard title="Spend per day by key" days={days} chart={loaderData.byKey} />
      <ModelStatsTable days={days} rows={loaderData.models} />
      <QuickStart snippets={loaderData.snippets} />
    </div>
  );
}

// A failed action or loader shows its message inside the dashboard layout.
export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
