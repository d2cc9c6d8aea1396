import { Form, Link, useNavigation } from "react-router";
import { getAccounts } from "#app/accounts/accounts.server.ts";
import { listApiKeys } from "#app/accounts/api-keys/api-keys.server.ts";
import { requirePageScope } from "#app/accounts/require-user.server.ts";
import { Badge } from "#app/components/ui/badge.tsx";
import { Button } from "#app/components/ui/button.tsx";
import { Input } from "#app/components/ui/input.tsx";
import { Label } from "#app/components/ui/label.tsx";
import {
  spendByMember,
  usageByKeyOwner,
  usageFilters,
  usagePage,
} from "#app/usage/usage-query.server.ts";
import { formatMoney } from "#app/utils/money.ts";
import type { Route } from "./+types/dashboard.usage";
import { GeneralErrorBoundary } from "#app/components/general-error-boundary.tsx";

export async function loader({ request }: Route.LoaderArgs) {
  const { accountId, team } = await requirePageScope(request);
  const { prisma } = getAccounts();
  const filters = usageFilters(new URL(request.url));
  const [page, keys, models, byOwner, byMember] = await Promise.all([
    usagePage(prisma, accountId, filters),
    listApiKeys(prisma, { accountId }),
    prisma.model.findMany({ orderBy: { slug: "asc" }, select: { slug: true } }),
    usageByKeyOwner(prisma, accountId),
    team ? spendByMember(prisma, accountId) : [],
  ]);
  const summary = (part: { requests: number; cost: bigint }) => ({
    requests: part.requests,
    cost: formatMoney(part.cost),
  });
  return {
    filters,
    lastMonth: { gateway: summary(byOwner.gateway), own: summary(byOwner.own) },
    team: team?.name ?? null,
    members: byMember.map((member) => ({
      ...summary(member),
      userId: member.userId,
      email: member.email,
      thisMonth: formatMoney(member.thisMonth),
    })),
    nextCursor: page.nextCursor,
    keys: keys.map((key) => ({ id: key.id, label: `${key.name} (${key.prefix}…)` })),
    models: models.map((model) => model.slug),
    rows: page.rows.map((row) => ({
      id: row.id.toString(),
      at: row.created_at.toISOString(),
      model: row.model_slug,
      provider: row.provider_slug,
      key: row.key_name,
      input: row.input_tokens + row.cached_input_tokens,
      output: row.output_tokens,
      cost: formatMoney(row.cost, { precision: "request" }),
      latencyMs: row.latency_ms,
      ttftMs: row.time_to_first_token_ms,
      status: row.status,
      usageSource: row.usage_source,
      byok: row.byok,
    })),
  };
}

export const meta: Route.MetaFunction = () => [{ title: "Usage · LLM Gateway" }];

function Select({
  id,
  label,
  name,
  value,
  options,
}: {
  id: string;
  label: string;
  name: string;
  value?: string;
  options: { value: string; label: string }[];
}) {
  return (
    <div className="grid min-w-0 gap-1.5">
      <Label htmlFor={id}>{label}</Label>
      <select
        id={id}
        name={name}
        defaultValue={value ?? ""}
        className="h-9 w-full min-w-0 rounded-md border border-input bg-transparent px-2 text-sm"
      >
        <option value="">All</option>
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  );
}

export default function Usage({ loaderData }: Route.ComponentProps) {
  const { filters, rows, nextCursor, keys, models, lastMonth, team, members } = loaderData;
  const navigation = useNavigation();
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
      <p className="text-sm text-muted-foreground" data-testid="usage-by-key-owner">
        Last 30 days: {lastMonth.gateway.requests} requests on the gateway’s provider keys,{" "}
        {lastMonth.gateway.cost} · {lastMonth.own.requests} on your own keys (BYOK),{" "}
        {lastMonth.own.cost} in fees.
      </p>
      {team ? <SpendByMember team={team} members={members} /> : null}
      <Form
        method="get"
        className="grid gap-3 rounded-lg border p-4 sm:grid-cols-3 lg:grid-cols-7 lg:items-end"
      >
        {filters.member ? <input type="hidden" name="member" value={filters.member} /> : null}
        <Select
          id="filter-key"
          label="Key"
          name="key"
          value={filters.key}
          options={keys.map((key) => ({ value: key.id, label: key.label }))}
        />
        <Select
          id="filter-model"
          label="Model"
          name="model"
          value={filters.model}
          options={models.map((model) => ({ value: model, label: model }))}
        />
        <Select
          id="filter-status"
          label="Status"
          name="status"
          value={filters.status}
          options={[
            { value: "SUCCESS", label: "Success" },
            { value: "ERROR", label: "Error" },
            { value: "CANCELLED", label: "Cancelled" },
            { value: "INTERRUPTED", label: "Interrupted" },
          ]}
        />
        <Select
          id="filter-byok"
          label="Provider key"
          name="byok"
          value={filters.byok}
          options={[
            { value: "true", label: "Yours (BYOK)" },
            { value: "false", label: "The gateway’s" },
          ]}
        />
        <div className="grid gap-1.5">
          <Label htmlFor="filter-from">From</Label>
          <Input id="filter-from" type="date" name="from" defaultValue={filters.from} />
        </div>
        <div className="grid gap-1.5">
          <Label htmlFor="filter-to">To</Label>
          <Input id="filter-to" type="date" name="to" defaultValue={filters.to} />
        </div>
        <Button type="submit" variant="secondary">
          {navigation.state === "loading" ? "Filtering…" : "Filter"}
        </Button>
      </Form>
      {rows.length === 0 ? (
        <p className="rounded-lg border border-dashed p-8 text-center text-muted-foreground">
          No requests match. Requests appear here as soon as they finish.
        </p>
      ) : (
        <div tabIndex={0} className="overflow-x-auto rounded-lg border">
          <table className="max-lg:table-cards w-full text-sm" aria-label="Request log">
            <thead className="bg-muted text-left">
              <tr>
                {[
                  "Time",
                  "Model",
                  "Provider",
                  "Key",
                  "Input",
                  "Output",
                  "Cost (credits)",
                  "Latency",
                  "First token",
                  "Status",
                ].map((heading) => (
                  <th key={heading} className="px-3 py-2 font-medium whitespace-nowrap">
                    {heading}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.id} className="border-t">
                  <td className="px-3 py-2 whitespace-nowrap">
                    <Link
                      to={`/dashboard/usage/${row.id}`}
                      className="underline underline-offset-4"
                      aria-label={`Request of ${new Date(row.at).toLocaleString("en")}: details`}
                    >
                      {new Date(row.at).toLocaleString("en")}
                    </Link>
                  </td>
                  <td data-label="Model" className="px-3 py-2">
                    {row.model}
                  </td>
                  <td data-label="Provider" className="px-3 py-2">
                    {row.provider}
                    {row.byok ? (
                      <Badge
                        variant="outline"
                        className="ml-1"
                        title="Served with your own provider key: only the BYOK fee is charged"
                      >
                        BYOK
                      </Badge>
                    ) : null}
                  </td>
                  <td data-label="Key" className="px-3 py-2">
                    {row.key}
                  </td>
                  <td data-label="Input" className="px-3 py-2 text-right">
                    {row.input}
                  </td>
                  <td data-label="Output" className="px-3 py-2 text-right">
                    {row.output}
                    {row.usageSource === "ESTIMATED" ? (
                      <span title="Estimated by the gateway: the provider reported no usage">
                        {" "}
                        *
                      </span>
                    ) : row.usageSource === "CAPPED" ? (
                      <span title="The provider reported more than the request was granted: charged what was held">
                        {" "}
                        †
                      </span>
                    ) : null}
                  </td>
                  <td data-label="Cost (credits)" className="px-3 py-2 text-right">
                    {row.cost}
                  </td>
                  <td data-label="Latency" className="px-3 py-2 text-right whitespace-nowrap">
                    {row.latencyMs} ms
                  </td>
                  <td data-label="First token" className="px-3 py-2 text-right whitespace-nowrap">
                    {row.ttftMs === null ? "–" : `${row.ttftMs} ms`}
                  </td>
                  <td data-label="Status" className="px-3 py-2">
                    <Badge variant={row.status === "SUCCESS" ? "secondary" : "outline"}>
                      {row.status.toLowerCase()}
                    </Badge>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
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

/** A team's spend per member (by the keys each made), each linking to their requests. */
function SpendByMember({
  team,
  members,
}: {
  team: string;
  members: { userId: string; email: string; requests: number; cost: string; thisMonth: string }[];
}) {
  return (
    <section aria-labelledby="spend-by-member" className="grid gap-2">
      <h2 id="spend-by-member" className="text-lg font-semibold">
        Spend by member of {team}
      </h2>
      {members.length === 0 ? (
        <p className="text-sm text-muted-foreground">No requests in the last 30 days.</p>
      ) : (
        <div tabIndex={0} className="overflow-x-auto rounded-lg border">
          <table className="max-sm:table-cards w-full text-sm" aria-label="Spend by member">
            <thead className="bg-muted text-left">
              <tr>
                <th className="px-3 py-2 font-medium">Member</th>
                <th className="px-3 py-2 text-right font-medium">Requests (30 days)</th>
                <th className="px-3 py-2 text-right font-medium">Credits (30 days)</th>
                <th className="px-3 py-2 text-right font-medium">Credits this month</th>
              </tr>
            </thead>
            <tbody>
              {members.map((member) => (
                <tr key={member.userId} className="border-t">
                  <td className="px-3 py-2">
                    <Link
                      to={`?member=${member.userId}`}
                      className="underline underline-offset-4"
                      aria-label={`Requests of ${member.email}`}
                    >
                      {member.email}
                    </Link>
                  </td>
                  <td data-label="Requests (30 days)" className="px-3 py-2 text-right">
                    {member.requests}
                  </td>
                  <td data-label="Credits (30 days)" className="px-3 py-2 text-right">
                    {member.cost}
                  </td>
                  <td data-label="Credits this month" className="px-3 py-2 text-right">
                    {member.thisMonth}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

// A failed action or loader shows its message inside the dashboard layout.
export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
