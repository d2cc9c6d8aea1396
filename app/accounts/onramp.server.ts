import type { Prisma } from "../db/prisma.server.ts";
import { creditsToMicro } from "../utils/money.ts";

import { ONRAMP_CREDITS } from "./account-rules.ts";

export { ONRAMP_CREDITS };

export const FREE_ONRAMP_WINDOW_MS = 24 * 60 * 60_000;

/** A free top-up past the person's daily limit: nothing was credited. */
export class FreeOnrampLimitError extends Error {
  readonly retryAfterSeconds: number;
  constructor(perDay: number, retryAfterSeconds: number) {
    super(
      `Free top-ups are limited to ${perDay} per person per 24 hours (FREE_ONRAMP_PER_DAY): try again later, or buy credits with a card`,
    );
    this.name = "FreeOnrampLimitError";
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/**
 * Adds the onramp credits to an account once per idempotency key: a replayed
 * or doubled request finds its first transaction and credits nothing more.
 * The person asking (`requestedBy`, the account's owner or a team's owner) may
 * take `perDay` of them per 24 hours, whichever accounts they go to, so that
 * new teams are no way around it (issue #21, finding 10; ADR 034). Past it,
 * FreeOnrampLimitError; a replay is always answered.
 */
export async function topUp(
  prisma: Prisma,
  userId: string,
  idempotencyKey: string,
  limit: { requestedBy: string; perDay: number },
) {
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
      const earlier = () =>
        tx.onrampTransaction.findUnique({
          where: { userId_idempotencyKey: { userId, idempotencyKey } },
        });
      const existing = await earlier();
      if (existing) return { transaction: existing, replayed: true };
      // One person's top-ups take turns, so that concurrent ones cannot pass the count together.
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`free-onramp:${limit.requestedBy}`}, 0))`;
      // The same form may have been credited while this one waited.
      const credited = await earlier();
      if (credited) return { transaction: credited, replayed: true };
      const now = Date.now();
      const taken = await tx.onrampTransaction.aggregate({
        where: {
          requestedBy: limit.requestedBy,
          source: "ONRAMP",
          createdAt: { gt: new Date(now - FREE_ONRAMP_WINDOW_MS) },
        },
        _count: true,
        _min: { createdAt: true },
      });
      if (taken._count >= limit.perDay) {
        const oldest = taken._min.createdAt?.getTime() ?? now;
        throw new FreeOnrampLimitError(
          limit.perDay,
          Math.max(1, Math.ceil((oldest + FREE_ONRAMP_WINDOW_MS - now) / 1000)),
        );
      }
      const transaction = await tx.onrampTransaction.create({
        data: { userId, amount, source: "ONRAMP", idempotencyKey, requestedBy: limit.requestedBy },
      });
      await tx.user.update({ where: { id: userId }, data: { balance: { increment: amount } } });
      return { transaction, replayed: false };
    });
  }
}
