import type { Prisma } from "../db/prisma.server.ts";
import { creditsToMicro } from "../utils/money.ts";

import { ONRAMP_CREDITS } from "./account-rules.ts";

export { ONRAMP_CREDITS };

/**
 * Adds the onramp credits once per idempotency key: a replayed or doubled
 * request finds its first transaction and credits nothing more.
 */
export async function topUp(prisma: Prisma, userId: string, idempotencyKey: string) {
  const amount = creditsToMicro(ONRAMP_CREDITS);
  const replay = async () => ({
    transaction: await prisma.onrampTransaction.findUniqueOrThrow({
      where: { userId_idempotencyKey: { userId, idempotencyKey } },
    }),
    replayed: true,
  });
  try {
    return await credit();
  } catch (error) {
    // Two submits of one form at the same moment: the unique key lets one through.
    if ((error as { code?: string }).code === "P2002") return replay();
    throw error;
  }

  function credit() {
    return prisma.$transaction(async (tx) => {
      const existing = await tx.onrampTransaction.findUnique({
        where: { userId_idempotencyKey: { userId, idempotencyKey } },
      });
      if (existing) return { transaction: existing, replayed: true };
      const transaction = await tx.onrampTransaction.create({
        data: { userId, amount, source: "ONRAMP", idempotencyKey },
      });
      await tx.user.update({ where: { id: userId }, data: { balance: { increment: amount } } });
      return { transaction, replayed: false };
    });
  }
}
