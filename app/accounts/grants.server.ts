import type { Prisma } from "../db/prisma.server.ts";
import { creditsToMicro } from "../utils/money.ts";

/**
 * Credits an admin gives a user, recorded with the admin's id and reason. The
 * form's token makes a double submit grant once. Undefined when no user has
 * that email.
 */
export async function grantCredits(
  prisma: Prisma,
  grant: { adminId: string; email: string; credits: number; note: string; token: string },
) {
  const user = await prisma.user.findUnique({
    where: { email: grant.email.trim().toLowerCase() },
    select: { id: true, email: true },
  });
  if (!user) return undefined;
  const idempotencyKey = `grant:${grant.token}`;
  const amount = creditsToMicro(grant.credits);
  try {
    const replayed = await prisma.$transaction(async (tx) => {
      const existing = await tx.onrampTransaction.findUnique({
        where: { userId_idempotencyKey: { userId: user.id, idempotencyKey } },
      });
      if (existing) return true;
      await tx.onrampTransaction.create({
        data: {
          userId: user.id,
          amount,
          source: "GRANT",
          idempotencyKey,
          grantedBy: grant.adminId,
          note: grant.note,
        },
      });
      await tx.user.update({ where: { id: user.id }, data: { balance: { increment: amount } } });
      return false;
    });
    return { user, amount, replayed };
  } catch (error) {
    // The same form twice at the same moment: the unique key let one through.
    if ((error as { code?: string }).code === "P2002") return { user, amount, replayed: true };
    throw error;
  }
}
