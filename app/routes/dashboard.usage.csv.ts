import { getAccounts } from "#app/accounts/accounts.server.ts";
import { requirePageScope } from "#app/accounts/require-user.server.ts";
import { usageCsv } from "#app/usage/usage-csv.server.ts";
import { usageFilters } from "#app/usage/usage-query.server.ts";
import type { Route } from "./+types/dashboard.usage.csv";

export async function loader({ request }: Route.LoaderArgs) {
  const { accountId } = await requirePageScope(request);
  const { cursor: _ignored, ...filters } = usageFilters(new URL(request.url));
  return new Response(usageCsv(getAccounts().prisma, accountId, filters), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="usage-${new Date().toISOString().slice(0, 10)}.csv"`,
      "Cache-Control": "no-store",
    },
  });
}
