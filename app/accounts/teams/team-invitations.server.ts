import { createHmac, timingSafeEqual } from "node:crypto";
import type { Prisma } from "../../db/prisma.server.ts";
import type { TeamRole } from "../account-scope.server.ts";
import { INVITATION_DAYS } from "./team-rules.ts";

// Invitations by link (ADR 030): the token is the invitation's id and an HMAC
// of it under the server's secret, so the table holds nothing that would let
// someone who reads it join a team, and a guessed or altered token is refused
// before the database is asked. The row makes it expiring and single-use.

const signature = (secret: string, id: string) =>
  createHmac("sha256", secret).update(`team-invitation:${id}`).digest("base64url");

export const invitationToken = (secret: string, id: string) => `${id}.${signature(secret, id)}`;

/** The invitation id a token names, if its signature is ours. */
export function verifyInvitationToken(secret: string, token: string): string | undefined {
  const match = /^([0-9a-f-]{36})\.([\w-]{43})$/.exec(token);
  if (!match) return undefined;
  const [, id, given] = match;
  const expected = Buffer.from(signature(secret, id!));
  return timingSafeEqual(expected, Buffer.from(given!)) ? id : undefined;
}

export async function createInvitation(
  prisma: Prisma,
  secret: string,
  input: { teamId: string; role: TeamRole; createdById: string; days?: number },
) {
  const invitation = await prisma.teamInvitation.create({
    data: {
      teamId: input.teamId,
      role: input.role,
      createdById: input.createdById,
      expiresAt: new Date(Date.now() + (input.days ?? INVITATION_DAYS) * 24 * 3600 * 1000),
    },
  });
  return { invitation, token: invitationToken(secret, invitation.id) };
}

/** The team's invitations not yet used, revoked or expired, newest first. */
export function pendingInvitations(prisma: Prisma, teamId: string) {
  return prisma.teamInvitation.findMany({
    where: { teamId, acceptedAt: null, revokedAt: null, expiresAt: { gt: new Date() } },
    orderBy: { createdAt: "desc" },
    select: { id: true, role: true, expiresAt: true, createdAt: true },
  });
}

/** Revokes a pending invitation of the team; false when there is none by that id. */
export async function revokeInvitation(prisma: Prisma, teamId: string, id: string) {
  const { count } = await prisma.teamInvitation.updateMany({
    where: { id, teamId, acceptedAt: null, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  return count === 1;
}

export type InvitationState =
  | {
      state: "open";
      teamId: string;
      teamName: string;
      role: TeamRole;
      expiresAt: Date;
      /** Who made the link: the page tells a visitor who invites them. */
      createdById: string;
    }
  | { state: "invalid" | "expired" | "used" | "revoked" };

/** What a token offers, for the page that asks to accept it. */
export async function readInvitation(
  prisma: Prisma,
  secret: string,
  token: string,
): Promise<InvitationState> {
  const id = verifyInvitationToken(secret, token);
  if (!id) return { state: "invalid" };
  const invitation = await prisma.teamInvitation.findUnique({
    where: { id },
    include: { team: { select: { name: true, deletedAt: true } } },
  });
  if (!invitation) return { state: "invalid" };
  if (invitation.acceptedAt) return { state: "used" };
  if (invitation.revokedAt || invitation.team.deletedAt) return { state: "revoked" };
  if (invitation.expiresAt <= new Date()) return { state: "expired" };
  return {
    state: "open",
    teamId: invitation.teamId,
    teamName: invitation.team.name,
    role: invitation.role,
    expiresAt: invitation.expiresAt,
    createdById: invitation.createdById,
  };
}

export type AcceptResult =
  | { accepted: true; teamId: string; teamName: string; role: TeamRole }
  | { accepted: false; reason: "invalid" | "expired" | "used" | "revoked" | "member" };

/**
 * Makes the user a member with the invitation's role, using it up. One
 * conditional UPDATE claims it, so two people opening the same link at once
 * cannot both join. A member already in the team leaves it unused.
 */
export async function acceptInvitation(
  prisma: Prisma,
  secret: string,
  token: string,
  userId: string,
): Promise<AcceptResult> {
  const offer = await readInvitation(prisma, secret, token);
  if (offer.state !== "open") return { accepted: false, reason: offer.state };
  const member = await prisma.teamMember.findUnique({
    where: { teamId_userId: { teamId: offer.teamId, userId } },
  });
  if (member) return { accepted: false, reason: "member" };
  const id = verifyInvitationToken(secret, token)!;
  return prisma.$transaction(async (tx) => {
    const claimed = await tx.$executeRaw`
      UPDATE team_invitations SET accepted_at = now(), accepted_by = ${userId}::uuid
      WHERE id = ${id}::uuid AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > now()`;
    if (claimed !== 1) return { accepted: false, reason: "used" } as const;
    // Joined through another link meanwhile: the member keeps the role they have.
    await tx.teamMember.createMany({
      data: [{ teamId: offer.teamId, userId, role: offer.role }],
      skipDuplicates: true,
    });
    return { accepted: true, teamId: offer.teamId, teamName: offer.teamName, role: offer.role };
  });
}
