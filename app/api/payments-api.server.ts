import type { Accounts } from "../accounts/accounts.server.ts";
import { topUp } from "../accounts/onramp.server.ts";
import { invalidRequest } from "../http/gateway-error.ts";
import { jsonApi, money, requireApiUserId } from "./api-helpers.server.ts";
import { audit } from "../accounts/audit-log.server.ts";

/** POST /api/payments/onramp: +1,000 credits, once per Idempotency-Key header. */
export const onrampApi = (accounts: Accounts, request: Request) =>
  jsonApi(async () => {
    const userId = await requireApiUserId(accounts, request);
    const header = request.headers.get("idempotency-key");
    // Required: without it a retried or repeated call would credit again.
    if (header === null) {
      throw invalidRequest(
        "The Idempotency-Key header is required: one value per top-up, reused when retrying it",
        "Idempotency-Key",
      );
    }
    if (!/^[\w.:-]{1,200}$/.test(header)) {
      throw invalidRequest(
        "Idempotency-Key must be 1-200 letters, digits, '-', '_', '.' or ':'",
        "Idempotency-Key",
      );
    }
    const { transaction, replayed } = await topUp(accounts.prisma, userId, header);
    if (!replayed) {
      await audit(accounts.prisma, request, {
        action: "credits_added",
        actorId: userId,
        subject: transaction.id.toString(),
        details: { micro: transaction.amount.toString() },
      });
    }
    const user = await accounts.prisma.user.findUniqueOrThrow({
      where: { id: userId },
      select: { balance: true },
    });
    return Response.json(
      {
        transaction: {
          id: transaction.id.toString(),
          amount: money(transaction.amount),
          createdAt: transaction.createdAt,
        },
        replayed,
        balance: money(user.balance),
      },
      { status: replayed ? 200 : 201 },
    );
  });
