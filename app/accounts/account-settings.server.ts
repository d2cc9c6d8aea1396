import bcrypt from "bcryptjs";
import type { Prisma } from "../db/prisma.server.ts";
import { BCRYPT_COST } from "./sign-up.server.ts";

// What a person changes about their own account on the settings page. Both
// changes need the current password: a browser left signed in is not enough.

async function passwordMatches(prisma: Prisma, userId: string, password: string) {
  const user = await prisma.user.findUnique({
    where: { id: userId },
    select: { passwordHash: true },
  });
  return Boolean(user?.passwordHash && (await bcrypt.compare(password, user.passwordHash)));
}

/**
 * Sets a new password and ends the user's other sessions (whoever knew the old
 * one is signed out). "wrong-password" when the current one does not match.
 */
export async function changePassword(
  prisma: Prisma,
  user: { id: string; sessionId: string },
  input: { currentPassword: string; newPassword: string },
) {
  if (!(await passwordMatches(prisma, user.id, input.currentPassword))) return "wrong-password";
  const passwordHash = await bcrypt.hash(input.newPassword, BCRYPT_COST);
  const { count } = await prisma.$transaction(async (tx) => {
    await tx.user.update({ where: { id: user.id }, data: { passwordHash } });
    await tx.passwordResetToken.updateMany({
      where: { userId: user.id, usedAt: null },
      data: { usedAt: new Date() },
    });
    return tx.session.deleteMany({ where: { userId: user.id, id: { not: user.sessionId } } });
  });
  return { signedOut: count };
}

/** Changes the sign-in email; "wrong-password", or "taken" when another account has it. */
export async function changeEmail(
  prisma: Prisma,
  userId: string,
  input: { email: string; password: string },
) {
  if (!(await passwordMatches(prisma, userId, input.password))) return "wrong-password";
  const email = input.email.trim().toLowerCase();
  try {
    const before = await prisma.user.findUniqueOrThrow({
      where: { id: userId },
      select: { email: true },
    });
    await prisma.user.update({ where: { id: userId }, data: { email } });
    return { from: before.email ?? "", to: email };
  } catch (error) {
    if ((error as { code?: string }).code === "P2002") return "taken";
    throw error;
  }
}
