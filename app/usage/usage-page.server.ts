import type { Prisma } from "../db/prisma.server.ts";
import type { UsageReads } from "../db/read-replica.server.ts";
import { listApiKeys } from "../accounts/api-keys/api-keys.server.ts";
import { formatMoney } from "../utils/money.ts";
import { isTokenModality } from "../llm/parts.ts";
import { spendByMember, usageByKeyOwner, usageFilters, usagePage } from "./usage-query.server.ts";

// What the Usage page shows: the request log with its filters and the next
// page's cursor, the last 30 days by whose provider key served, and a team's
// spend per member. The usage comes from `reads` (a replica, ADR 064); the
// filters' keys and models from the primary.

/** The page for an account (a team when `team` is named), filtered by the address's query. */
export async function usageLogPage(
  prisma: Prisma,
  accountId: string,
  team: { name: string } | null,
  url: URL,
  reads: UsageReads = { prisma, asOf: null },
) {
  const filters = usageFilters(url);
  const [page, keys, models, byOwner, byMember] = await Promise.all([
    usagePage(reads.prisma, accountId, filters),
    listApiKeys(prisma, { accountId }),
    prisma.model.findMany({ orderBy: { slug: "asc" }, select: { slug: true } }),
    usageByKeyOwner(reads.prisma, accountId),
    team ? spendByMember(reads.prisma, accountId) : [],
  ]);
  const summary = (part: { requests: number; cost: bigint }) => ({
    requests: part.requests,
    cost: formatMoney(part.cost),
  });
  return {
    filters,
    usageAsOf: reads.asOf?.toISOString() ?? null,
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
      // A media request is billed in its own unit: "2 images" (a modality's tokens are tokens: ADR 073).
      units:
        row.unit === null || isTokenModality(row.unit)
          ? null
          : `${row.units ?? 0} ${row.unit}${row.units === 1 ? "" : "s"}`,
      cost: formatMoney(row.cost, { precision: "request" }),
      latencyMs: row.latency_ms,
      ttftMs: row.time_to_first_token_ms,
      status: row.status,
      usageSource: row.usage_source,
      byok: row.byok,
    })),
  };
}

export type UsageLogPage = Awaited<ReturnType<typeof usageLogPage>>;
export type UsageRow = UsageLogPage["rows"][number];
export type MemberSpend = UsageLogPage["members"][number];
