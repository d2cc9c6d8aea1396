import type { Prisma } from "../db/prisma.server.ts";
import type { TeamRole } from "../generated/prisma/enums.ts";

// Which account a signed-in person acts for, and what they may do there
// (ADR 030). Personal accounts are their owner's; a team's account is shared
// by its members, each with a role.

export type { TeamRole };

export interface AccountScope {
  /** The person signed in. */
  userId: string;
  /** The account whose balance, keys and usage are in play: userId, or a team's. */
  accountId: string;
  team: { name: string } | null;
  /** OWNER for one's own account. */
  role: TeamRole;
}

export type Permission =
  /** Usage, spend and the balance: every member. */
  | "viewUsage"
  /** Creating keys and managing the ones they created. */
  | "ownKeys"
  /** Spending the account's credits through the keys they made (issue #21). */
  | "spend"
  /** Every key of the account, and limits. */
  | "allKeys"
  /** Credits, payments, auto top-up. */
  | "billing"
  /** The account's own provider keys (BYOK). */
  | "providerKeys"
  /** Inviting, removing, changing roles, deleting the team. */
  | "members";

const ROLES_ALLOWED: Record<Permission, readonly TeamRole[]> = {
  viewUsage: ["OWNER", "ADMIN", "MEMBER", "VIEWER"],
  ownKeys: ["OWNER", "ADMIN", "MEMBER"],
  spend: ["OWNER", "ADMIN", "MEMBER"],
  allKeys: ["OWNER", "ADMIN"],
  billing: ["OWNER"],
  providerKeys: ["OWNER", "ADMIN"],
  members: ["OWNER"],
};

export const can = (scope: AccountScope, permission: Permission) => roleCan(scope.role, permission);

export const roleCan = (role: TeamRole, permission: Permission) =>
  ROLES_ALLOWED[permission].includes(role);

/** Why a scope may not do something, for the 403 it gets; undefined when it may. */
export function refusal(scope: AccountScope, permission: Permission): string | undefined {
  if (can(scope, permission) || !scope.team) return undefined;
  const roles = ROLES_ALLOWED[permission].map((role) => role.toLowerCase()).join(", ");
  return `Your role in ${scope.team.name} is ${scope.role.toLowerCase()}; this needs ${roles}.`;
}

export const personalScope = (userId: string): AccountScope => ({
  userId,
  accountId: userId,
  team: null,
  role: "OWNER",
});

/** The user's scope in a team, or undefined when they are not a member (or it was deleted). */
export async function teamScope(
  prisma: Prisma,
  userId: string,
  teamId: string,
): Promise<AccountScope | undefined> {
  if (!UUID.test(teamId)) return undefined;
  const member = await prisma.teamMember.findUnique({
    where: { teamId_userId: { teamId, userId } },
    select: { role: true, team: { select: { name: true, deletedAt: true } } },
  });
  if (!member || member.team.deletedAt) return undefined;
  return { userId, accountId: teamId, team: { name: member.team.name }, role: member.role };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
