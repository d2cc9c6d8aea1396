import { spentThisPeriod } from "../../billing/limit-period.ts";
import type { Prisma } from "../../db/prisma.server.ts";
import { GatewayError } from "../../http/gateway-error.ts";
import { creatorRefusal } from "../authenticate.server.ts";

// Whether a key may go on spending through the requests it has running: asked
// when its change notification arrives, and for every running key once the
// LISTEN connection is back (what changed meanwhile was never announced).
// Issue #21, finding 4; docs/decisions/037-database-outages-and-reconnects.md.

export const KEY_REVOKED = new GatewayError(
  403,
  "The API key was disabled or deleted while this request ran",
  { type: "permission_error", code: "key_revoked" },
);

/** As a new request with the key is refused (authenticate), with the same code. */
export const KEY_EXPIRED = new GatewayError(401, "The API key expired while this request ran", {
  type: "authentication_error",
  code: "api_key_expired",
});

export const KEY_LIMIT_LOWERED = new GatewayError(
  403,
  "The API key's credit limit was lowered below what it has spent while this request ran",
  { type: "permission_error", code: "key_credit_limit_reached" },
);

/** What a key's standing is read from. */
export interface KeyStandingRow {
  enabled: boolean;
  deletedAt: Date | null;
  expiresAt: Date | null;
  creditLimit: bigint | null;
  spent: bigint;
  periodLimit: bigint | null;
  limitPeriod: string | null;
  periodStart: Date | null;
  periodSpent: bigint;
}

/**
 * Why the key's running requests must end now (undefined: they may go on). A
 * key gone, disabled or deleted is revoked; one past its expiry expired; one
 * whose lifetime or period limit is at or below what it spent can pay for
 * nothing more (its holds were granted under a higher limit).
 */
export function keyRefusal(
  key: KeyStandingRow | undefined,
  now = new Date(),
  maker?: Parameters<typeof creatorRefusal>[0],
) {
  if (!key || !key.enabled || key.deletedAt) return KEY_REVOKED;
  const makerRefused = maker && creatorRefusal(maker);
  if (makerRefused) return makerRefused;
  if (key.expiresAt && key.expiresAt.getTime() <= now.getTime()) return KEY_EXPIRED;
  if (key.creditLimit !== null && key.spent >= key.creditLimit) return KEY_LIMIT_LOWERED;
  if (key.periodLimit !== null && spentThisPeriod(key, now) >= key.periodLimit)
    return KEY_LIMIT_LOWERED;
  return undefined;
}

/** Each key's refusal (if its requests must end) and its expiry as the database has them now. */
export async function readKeyStandings(prisma: Prisma, apiKeyIds: string[], now = new Date()) {
  const rows = await prisma.apiKey.findMany({
    where: { id: { in: apiKeyIds } },
    select: {
      id: true,
      userId: true,
      createdById: true,
      enabled: true,
      deletedAt: true,
      expiresAt: true,
      creditLimit: true,
      spent: true,
      periodLimit: true,
      limitPeriod: true,
      periodStart: true,
      periodSpent: true,
      // A key whose maker an admin disabled is revoked with them (ADR 044).
      createdBy: { select: { disabledAt: true } },
    },
  });
  // A team key spends while its maker may (ADR 033): their roles, for the keys others made.
  const teamKeys = rows.filter((row) => row.userId !== row.createdById);
  const members =
    teamKeys.length === 0
      ? []
      : await prisma.teamMember.findMany({
          where: { OR: teamKeys.map((row) => ({ teamId: row.userId, userId: row.createdById })) },
          select: { teamId: true, userId: true, role: true },
        });
  const roleOf = (row: { userId: string; createdById: string }) =>
    members.find((m) => m.teamId === row.userId && m.userId === row.createdById)?.role ?? null;
  const byId = new Map(rows.map((row) => [row.id, row]));
  return apiKeyIds.map((id) => {
    const found = byId.get(id);
    const row = found?.createdBy.disabledAt ? undefined : found;
    const maker = row && { ...row, creatorRole: roleOf(row) };
    return { id, refusal: keyRefusal(row, now, maker), expiresAt: row?.expiresAt ?? null };
  });
}
