import type { Prisma } from "../db/prisma.server.ts";

// The admin's users page (ADR 044): find people, disable them, give or take
// the admin role. The gateway never ends up without an admin who can sign in.

/** Advisory lock key taken while admins change ("admins" in ASCII): two demotions at once cannot both pass. */
const ADMINS_LOCK = 0x61646d696e73n;

/** People (not team accounts) whose email contains `search`, the newest first. */
export function listUsers(prisma: Prisma, search: string, take = 50) {
  return prisma.user.findMany({
    where: {
      kind: "PERSON",
      ...(search ? { email: { contains: search, mode: "insensitive" } } : {}),
    },
    orderBy: { createdAt: "desc" },
    take,
    select: {
      id: true,
      email: true,
      role: true,
      balance: true,
      disabledAt: true,
      createdAt: true,
      _count: { select: { apiKeys: { where: { deletedAt: null } } } },
    },
  });
}

export type UserChange = { disabled: boolean } | { role: "ADMIN" | "USER" };

/**
 * Disables or enables a person, or changes their role. A refusal as a
 * sentence (the last admin, oneself), or the changed user's email. Disabling
 * ends their sessions and reset links; their keys' change notifications (a
 * trigger) make every gateway instance refuse them.
 */
export async function changeUser(
  prisma: Prisma,
  adminId: string,
  userId: string,
  change: UserChange,
): Promise<{ ok: true; email: string } | { ok: false; status: number; message: string }> {
  if (userId === adminId && "disabled" in change && change.disabled)
    return { ok: false, status: 409, message: "You cannot disable your own account." };
  return prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${ADMINS_LOCK})`;
    const user = await tx.user.findFirst({
      where: { id: userId, kind: "PERSON" },
      select: { email: true, role: true, disabledAt: true },
    });
    if (!user) return { ok: false as const, status: 404, message: "No such user." };
    const losesAdmin =
      user.role === "ADMIN" &&
      !user.disabledAt &&
      ("role" in change ? change.role !== "ADMIN" : change.disabled);
    if (losesAdmin) {
      const others = await tx.user.count({
        where: { role: "ADMIN", disabledAt: null, id: { not: userId } },
      });
      if (others === 0)
        return {
          ok: false as const,
          status: 409,
          message: `${user.email} is the only admin who can sign in: make someone else an admin first.`,
        };
    }
    if ("role" in change) {
      await tx.user.update({ where: { id: userId }, data: { role: change.role } });
    } else {
      await tx.user.update({
        where: { id: userId },
        data: { disabledAt: change.disabled ? (user.disabledAt ?? new Date()) : null },
      });
      if (change.disabled) {
        await tx.session.deleteMany({ where: { userId } });
        await tx.passwordResetToken.updateMany({
          where: { userId, usedAt: null },
          data: { usedAt: new Date() },
        });
      }
    }
    return { ok: true as const, email: user.email ?? "" };
  });
}
