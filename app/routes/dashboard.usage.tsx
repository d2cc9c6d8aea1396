import { Link } from "react-router";
import { getAccounts } from "#app/accounts/accounts.server.ts";
import { requirePageScope } from "#app/accounts/require-user.server.ts";
import { GeneralErrorBoundary } from "#app/components/general-error-boundary.tsx";
import { Button } from "#app/components/ui/button.tsx";
import { RequestLogTable } from "#app/components/usage/request-log-table.tsx";
import { SpendByMember } from "#app/components/usage/spend-by-member.tsx";
import { UsageAsOf } from "#app/components/usage/usage-as-of.tsx";
import { UsageFilters } from "#app/components/usage/usage-filters.tsx";
import { usageReads } from "#app/db/read-replica.server.ts";
import { usageLogPage } from "#app/usage/usage-page.server.ts";
import type { Route } from "./+types/dashboard.usage";

export async function loader({ request }: Route.LoaderArgs) {
  const { accountId, team } = await requirePageScope(request);
  return usageLogPage(getAccounts().prisma, accountId, team, new URL(request.url), usageReads());
}

export const meta: Route.MetaFunction = () => [{ title: "Usage · LLM Gateway" }];

export default function Usage({ loaderData }: Route.ComponentProps) {
  const { filters, rows, nextCursor, keys, models, lastMonth, team, members, usageAsOf } =
    loaderData;
  const query = new URLSearchParams(
    Object.entries(filters).filter(([name, value]) => name !== "cursor" && value) as [
      string,
      string,
    ][],
  );
  return (
    <div className="grid gap-6">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-2xl font-semibold tracking-tight">Usage</h1>
        <Button asChild variant="outline" size="sm">
          <a href={`/dashboard/usage.csv?${query}`} download>
            Export CSV
          </a>
        </Button>
      </div>
      <UsageAsOf asOf={usageAsOf} />
      <p className="text-sm text-muted-foreground" data-testid="usage-by-key-owner">
        Last 30 days: {lastMonth.gateway.requests} requests on the gateway’s provider keys,{" "}
        {lastMonth.gateway.cost} · {lastMonth.own.requests} on your own keys (BYOK),{" "}
        {lastMonth.own.cost} in fees.
      </p>
      {team ? <SpendByMember team={team} members={members} /> : null}
      <UsageFilters filters={filters} keys={keys} models={models} />
      <RequestLogTable rows={rows} />
      {nextCursor ? (
        <Link
          className="justify-self-end text-sm font-medium underline underline-offset-4"
          to={`?${new URLSearchParams([...query, ["cursor", nextCursor]])}`}
        >
          Older requests →
        </Link>
      ) : null}
    </div>
  );
}

// A failed action or loader shows its message inside the dashboard layout.
export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
