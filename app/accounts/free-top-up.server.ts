import type { Prisma } from "../db/prisma.server.ts";
import { audit } from "./audit-log.server.ts";
import { topUp } from "./onramp.server.ts";

/**
 * The free top-up as the Credits page and POST /api/payments/onramp both do
 * it: the onramp credits once per idempotency key, within the asker's daily
 * limit (FreeOnrampLimitError past it), audited unless it was a replay.
 */
export async function freeTopUp(
  { prisma, request }: { prisma: Prisma; request: Request },
  { accountId, userId }: { accountId: string; userId: string },
  idempotencyKey: string,
  perDay: number,
) {
  const topped = await topUp(prisma, accountId, idempotencyKey, { requestedBy: userId, perDay });
  const { transaction, replayed } = topped;
  if (!replayed) {
    await audit(prisma, request, {
      action: "credits_added",
      actorId: userId,
      subject: transaction.id.toString(),
      details: { micro: transaction.amount.toString(), account: accountId },
    });
  }
  return topped;
}
