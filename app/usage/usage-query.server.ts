import { z } from "zod";
import type { Prisma } from "../db/prisma.server.ts";

// The request log: keyset pagination over (created_at, id), newest first, so
// that page 1,000 costs what page 1 costs. Every filter matches an index that
// starts with user_id (see the Conversation model in prisma/schema.prisma).

export const PAGE_SIZE = 50;

export const UsageFiltersSchema = z.object({
  key: z.uuid().optional().catch(undefined),
  /** In a team: the requests of the keys this member made. */
  member: z.uuid().optional().catch(undefined),
  model: z
    .string()
    .min(1)
    .max(200)
    .regex(/^[^\0]*$/)
    .optional()
    .catch(undefined),
  status: z.enum(["SUCCESS", "ERROR", "CANCELLED", "INTERRUPTED"]).optional().catch(undefined),
  /** Served with the user's own provider key (BYOK) or the gateway's. */
  byok: z.enum(["true", "false"]).optional().catch(undefined),
  from: z.iso.date().optional().catch(undefined),
  to: z.iso.date().optional().catch(undefined),
  // Milliseconds since 1970 and a row id, in ranges a date and a bigint can hold.
  cursor: z
    .string()
    .regex(/^\d{1,15}\.\d{1,18}$/)
    .optional()
    .catch(undefined),
});

export type UsageFilters = z.infer<typeof UsageFiltersSchema>;

/** Filters from a URL's search params; unusable values are ignored, never an error page. */
export function usageFilters(url: URL): UsageFilters {
  return UsageFiltersSchema.parse(
    Object.fromEntries([...url.searchParams].filter(([, value]) => value !== "")),
  );
}

export interface UsageRow {
  id: bigint;
  created_at: Date;
  model_slug: string;
  provider_slug: string;
  key_name: string;
  key_prefix: string;
  input_tokens: number;
  cached_input_tokens: number;
  output_tokens: number;
  cost: bigint;
  latency_ms: number;
  time_to_first_token_ms: number | null;
  status: string;
  usage_source: string;
  stream: boolean;
  byok: boolean;
  /** A media request's unit and count (ADR 072): "image", 2. */
  unit: string | null;
  units: number | null;
}

/** The SQL of one page (also used by EXPLAIN in the tests). */
export function usagePageSql(userId: string, filters: UsageFilters, limit: number) {
  const values: unknown[] = [userId];
  const where = ["c.user_id = $1::uuid"];
  const add = (clause: (placeholder: string) => string, value: unknown) => {
    values.push(value);
    where.push(clause(`$${values.length}`));
  };
  if (filters.key) add((p) => `c.api_key_id = ${p}::uuid`, filters.key);
  if (filters.member) add((p) => `k.created_by = ${p}::uuid`, filters.member);
  if (filters.model) add((p) => `c.model_slug = ${p}`, filters.model);
  if (filters.status) add((p) => `c.status = ${p}::"ConversationStatus"`, filters.status);
  if (filters.byok) add((p) => `c.byok = ${p}::boolean`, filters.byok);
  if (filters.from) add((p) => `c.created_at >= ${p}::date`, filters.from);
  if (filters.to) add((p) => `c.created_at < ${p}::date + 1`, filters.to);
  if (filters.cursor) {
    const [millis, id] = filters.cursor.split(".");
    values.push(new Date(Number(millis)), BigInt(id!));
    where.push(
      `(c.created_at, c.id) < ($${values.length - 1}::timestamptz, $${values.length}::bigint)`,
    );
  }
  values.push(limit);
  const text = `
    SELECT c.id, c.created_at, c.model_slug, c.provider_slug, k.name AS key_name, k.prefix AS key_prefix,
           c.input_tokens, c.cached_input_tokens, c.output_tokens, c.cost, c.latency_ms,
           c.time_to_first_token_ms, c.status::text AS status, c.usage_source::text AS usage_source, c.stream,
           c.byok, c.unit, c.units
    FROM conversations c JOIN api_keys k ON k.id = c.api_key_id
    WHERE ${where.join(" AND ")}
    ORDER BY c.created_at DESC, c.id DESC
    LIMIT $${values.length}`;
  return { text, values };
}

/** One page of the user's request log, and the cursor of the next page if there is one. */
export async function usagePage(
  prisma: Prisma,
  userId: string,
  filters: UsageFilters,
  pageSize = PAGE_SIZE,
) {
  const { text, values } = usagePageSql(userId, filters, pageSize + 1);
  const rows = await prisma.$queryRawUnsafe<UsageRow[]>(text, ...values);
  const page = rows.slice(0, pageSize);
  const last = page.at(-1);
  return { rows: page, nextCursor: rows.length > pageSize && last ? cursorOf(last) : undefined };
}

/** The last 30 UTC days' (today's included) requests and charges, apart for those served with the user's own keys (BYOK). */
export async function usageByKeyOwner(prisma: Prisma, userId: string) {
  const rows = await prisma.$queryRaw<{ byok: boolean; requests: bigint; cost: bigint }[]>`
    SELECT byok, sum(requests)::bigint AS requests, coalesce(sum(cost), 0)::bigint AS cost
    FROM usage_days
    WHERE user_id = ${userId}::uuid AND day >= (now() AT TIME ZONE 'UTC')::date - 29
    GROUP BY byok`;
  const of = (byok: boolean) => {
    const row = rows.find((each) => each.byok === byok);
    return { requests: Number(row?.requests ?? 0n), cost: row?.cost ?? 0n };
  };
  return { gateway: of(false), own: of(true) };
}

/** Who spent what of an account (a team's members, by the keys they made): this UTC month and the last 30 UTC days. */
export async function spendByMember(prisma: Prisma, accountId: string) {
  const rows = await prisma.$queryRaw<
    { user_id: string; email: string | null; requests: bigint; cost: bigint; month: bigint }[]
  >`
    WITH bounds AS (
      SELECT (now() AT TIME ZONE 'UTC')::date - 29 AS recent,
             date_trunc('month', now(), 'UTC')::date AS month
    )
    SELECT k.created_by::text AS user_id, u.email,
      coalesce(sum(d.requests) FILTER (WHERE d.day >= b.recent), 0)::bigint AS requests,
      coalesce(sum(d.cost) FILTER (WHERE d.day >= b.recent), 0)::bigint AS cost,
      coalesce(sum(d.cost) FILTER (WHERE d.day >= b.month), 0)::bigint AS month
    FROM bounds b
    JOIN usage_days d ON d.user_id = ${accountId}::uuid AND d.day >= least(b.recent, b.month)
    JOIN api_keys k ON k.id = d.api_key_id
    JOIN users u ON u.id = k.created_by
    GROUP BY k.created_by, u.email
    ORDER BY cost DESC, u.email`;
  return rows.map((row) => ({
    userId: row.user_id,
    email: row.email ?? "(deleted)",
    requests: Number(row.requests),
    cost: row.cost,
    thisMonth: row.month,
  }));
}

export const cursorOf = (row: Pick<UsageRow, "created_at" | "id">) =>
  `${row.created_at.getTime()}.${row.id}`;
