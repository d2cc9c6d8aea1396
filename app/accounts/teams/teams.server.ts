import type { Prisma } from "../../db/prisma.server.ts";
import type { TransactionClient } from "../../generated/prisma/internal/prismaNamespace.ts";
import type { TeamRole } from "../account-scope.server.ts";
import { audit } from "../audit-log.server.ts";
import { API_KEY_CHANNEL } from "../../db/change-listener.server.ts";

// Teams (ADR 030): a team is an account of kind TEAM (a users row nobody signs
// in to), so its balance, holds, keys, usage and payments go through the same
// ledger and queries as a person's. Members act for it with a role.

/** Thrown for what a team's rules forbid (the last owner leaving, ...): a 4xx for the caller. */
export class TeamRuleError extends Error {}

export async function createTeam(prisma: Prisma, ownerId: string, name: string) {
  return prisma.$transaction(async (tx) => {
    const account = await tx.user.create({ data: { kind: "TEAM" }, select: { id: true } });
    await tx.team.create({
      data: {
        accountId: account.id,
        name: name.trim(),
        members: { create: { userId: ownerId, role: "OWNER" } },
      },
    });
    return account.id;
  });
}

/** A new team owned by `ownerId`, with its audit event: what the Teams page and POST /api/teams both do. */
export async function openTeam(prisma: Prisma, request: Request, ownerId: string, name: string) {
  const teamId = await createTeam(prisma, ownerId, name);
  await audit(prisma, request, { action: "team_created", actorId: ownerId, subject: teamId });
  return teamId;
}

/** The teams a user belongs to, by name. */
export async function listTeamsOf(prisma: Prisma, userId: string) {
  const memberships = await prisma.teamMember.findMany({
    where: { userId, team: { deletedAt: null } },
    select: { role: true, team: { select: { accountId: true, name: true } } },
    orderBy: { team: { name: "asc" } },
  });
  return memberships.map(({ role, team }) => ({ id: team.accountId, name: team.name, role }));
}

export async function listMembers(prisma: Prisma, teamId: string) {
  const members = await prisma.teamMember.findMany({
    where: { teamId },
    select: {
      userId: true,
      role: true,
      monthlyLimit: true,
      createdAt: true,
      user: { select: { email: true } },
    },
    orderBy: { createdAt: "asc" },
  });
  return members.map(({ user, ...member }) => ({ ...member, email: user.email ?? "" }));
}

/**
 * Runs `change` with the team's row locked, so that concurrent role changes,
 * removals and departures see each other: without it two owners leaving at
 * once could both pass the "another owner remains" check.
 */
async function withTeamLocked<T>(
  prisma: Prisma,
  teamId: string,
  change: (tx: TransactionClient) => Promise<T>,
) {
  return prisma.$transaction(async (tx) => {
    const locked = await tx.$queryRaw<unknown[]>`
      SELECT 1 FROM teams WHERE account_id = ${teamId}::uuid AND deleted_at IS NULL FOR UPDATE`;
    if (locked.length === 0) throw new TeamRuleError("This team no longer exists.");
    return change(tx);
  });
}

async function requireAnotherOwner(tx: TransactionClient, teamId: string, userId: string) {
  const owners = await tx.teamMember.count({
    where: { teamId, role: "OWNER", userId: { not: userId } },
  });
  if (owners === 0)
    throw new TeamRuleError(
      "A team needs an owner: make another member owner first (or delete the team).",
    );
}

/** Gives a member another role; false when they are not a member. */
export function changeRole(prisma: Prisma, teamId: string, userId: string, role: TeamRole) {
  return withTeamLocked(prisma, teamId, async (tx) => {
    const member = await tx.teamMember.findUnique({
      where: { teamId_userId: { teamId, userId } },
      select: { role: true },
    });
    if (!member) return false;
    if (member.role === "OWNER" && role !== "OWNER") await requireAnotherOwner(tx, teamId, userId);
    await tx.teamMember.update({ where: { teamId_userId: { teamId, userId } }, data: { role } });
    return true;
  });
}

/**
 * Sets (or with null clears) what the keys a member made may spend per UTC
 * month in the team, in µcr. Every instance gives back its holds of those keys
 * (the keys' change notification), so that room reserved under the old limit
 * is not spent past the new one. False when they are not a member.
 */
export async function setMemberLimit(
  prisma: Prisma,
  teamId: string,
  userId: string,
  monthlyLimit: bigint | null,
) {
  return prisma.$transaction(async (tx) => {
    const { count } = await tx.teamMember.updateMany({
      where: { teamId, userId },
      data: { monthlyLimit },
    });
    if (count === 0) return false;
    await tx.$executeRaw`
      SELECT pg_notify(${API_KEY_CHANNEL}, secret_hash) FROM api_keys
      WHERE user_id = ${teamId}::uuid AND created_by = ${userId}::uuid AND deleted_at IS NULL`;
    return true;
  });
}

/**
 * Takes a member out of the team (removed, or leaving): their keys in it are
 * deleted, so they can no longer spend its credits; their usage stays. False
 * when they were not a member.
 */
export function removeMember(prisma: Prisma, teamId: string, userId: string) {
  return withTeamLocked(prisma, teamId, async (tx) => {
    const member = await tx.teamMember.findUnique({
      where: { teamId_userId: { teamId, userId } },
      select: { role: true },
    });
    if (!member) return false;
    if (member.role === "OWNER") await requireAnotherOwner(tx, teamId, userId);
    // Keys before the member row: the order the ledger locks them in.
    await tx.apiKey.updateMany({
      where: { userId: teamId, createdById: userId, deletedAt: null },
      data: { deletedAt: new Date(), enabled: false },
    });
    await tx.teamMember.delete({ where: { teamId_userId: { teamId, userId } } });
    return true;
  });
}

/**
 * Deletes a team: its keys stop working and its members lose it; its account
 * stays, with the usage and credit history (a balance left is not refunded).
 */
export function deleteTeam(prisma: Prisma, teamId: string) {
  return withTeamLocked(prisma, teamId, async (tx) => {
    const now = new Date();
    await tx.apiKey.updateMany({
      where: { userId: teamId, deletedAt: null },
      data: { deletedAt: now, enabled: false },
    });
    await tx.teamInvitation.updateMany({
      where: { teamId, acceptedAt: null, revokedAt: null },
      data: { revokedAt: now },
    });
    await tx.team.update({ where: { accountId: teamId }, data: { deletedAt: now } });
  });
}
