import { requirePageScope } from "#app/accounts/require-user.server.ts";
import { usageReads } from "#app/db/read-replica.server.ts";
import { usageCsv } from "#app/usage/usage-csv.server.ts";
import { usageFilters } from "#app/usage/usage-query.server.ts";
import type { Route } from "./+types/dashboard.usage.csv";

export async function loader({ request }: Route.LoaderArgs) {
  const { accountId } = await requirePageScope(request);
  const { cursor: _ignored, ...filters } = usageFilters(new URL(request.url));
  const reads = usageReads();
  return new Response(usageCsv(reads.prisma, accountId, filters), {
    headers: {
      // From a replica that is behind (ADR 064): the rows committed up to this moment.
      ...(reads.asOf ? { "X-Usage-As-Of": reads.asOf.toISOString() } : {}),
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="usage-${new Date().toISOString().slice(0, 10)}.csv"`,
      "Cache-Control": "no-store",
    },
  });
}
