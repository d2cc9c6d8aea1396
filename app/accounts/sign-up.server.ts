import bcrypt from "bcryptjs";
import type { Accounts } from "./accounts.server.ts";

export const BCRYPT_COST = 10;
/** Advisory lock key taken while the first user is created ("1st user" in ASCII). */
const FIRST_USER_LOCK = 0x3173742075736572n;

export class EmailTakenError extends Error {}

/**
 * Creates the user with the configured signup credits (recorded as a credit
 * row, so balance = credits - charges holds from the first moment). The first
 * user, and the one with ADMIN_EMAIL, becomes an admin.
 */
export async function signUp(accounts: Accounts, input: { email: string; password: string }) {
  const email = input.email.trim().toLowerCase();
  const passwordHash = await bcrypt.hash(input.password, BCRYPT_COST);
  try {
    return await accounts.prisma.$transaction(async (tx) => {
      // Two first sign-ups at once would both count no users: while there are
      // none, sign-ups take turns (a lock held until the transaction ends).
      let isFirst = (await tx.user.count()) === 0;
      if (isFirst) {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(${FIRST_USER_LOCK})`;
        isFirst = (await tx.user.count()) === 0;
      }
      const credits = accounts.signupCredits;
      return tx.user.create({
        data: {
          email,
          passwordHash,
          role: isFirst || email === accounts.adminEmail ? "ADMIN" : "USER",
          balance: credits,
          credits:
            credits > 0n
              ? { create: { amount: credits, source: "SIGNUP_BONUS", idempotencyKey: "signup" } }
              : undefined,
        },
        select: { id: true, email: true, role: true, balance: true },
      });
    });
  } catch (error) {
    if ((error as { code?: string }).code === "P2002")
      throw new EmailTakenError("An account with this email already exists");
    throw error;
  }
}

/**
 * The user when the password is right (with whether an admin disabled them);
 * undefined for a wrong email or password (no difference shown).
 */
export async function verifyLogin(accounts: Accounts, input: { email: string; password: string }) {
  const user = await accounts.prisma.user.findUnique({
    where: { email: input.email.trim().toLowerCase() },
    select: { id: true, passwordHash: true, disabledAt: true },
  });
  // Compare against a dummy hash for unknown emails, so timing does not tell which emails exist.
  const ok = await bcrypt.compare(input.password, user?.passwordHash ?? DUMMY_HASH);
  return user && ok ? { id: user.id, disabled: user.disabledAt !== null } : undefined;
}

const DUMMY_HASH = "$2b$10$rlRMd.CZhGW0g0BLWnMMKeBQXpFaMBAG9RRKfJVAJdcY6f2X3PGqq";
