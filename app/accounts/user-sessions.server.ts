import type { Prisma } from "../db/prisma.server.ts";

// The settings page's list of a user's sessions, and ending them. Every
// function takes the owner's id: another user's session is not found.

/** The user's live sessions, the most recently used first. */
export function listSessions(prisma: Prisma, userId: string) {
  return prisma.session.findMany({
    where: { userId, expiresAt: { gt: new Date() } },
    orderBy: { lastSeenAt: "desc" },
    select: { id: true, userAgent: true, ip: true, createdAt: true, lastSeenAt: true },
  });
}

/** Ends one of the user's sessions; false when they have none with that id. */
export async function revokeSession(prisma: Prisma, userId: string, sessionId: string) {
  const { count } = await prisma.session.deleteMany({ where: { id: sessionId, userId } });
  return count > 0;
}

/** Ends every session of the user but the one they use; how many ended. */
export async function revokeOtherSessions(prisma: Prisma, userId: string, keepId: string) {
  const { count } = await prisma.session.deleteMany({ where: { userId, id: { not: keepId } } });
  return count;
}
