import type { Accounts } from "../accounts/accounts.server.ts";
import { FreeOnrampLimitError } from "../accounts/onramp.server.ts";
import { freeTopUp } from "../accounts/free-top-up.server.ts";
import { invalidRequest } from "../http/gateway-error.ts";
import { requireApiScope } from "../accounts/require-user.server.ts";
import { jsonApi, money, readBody } from "./api-helpers.server.ts";
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { GatewayError } from "../http/gateway-error.ts";
import type { PaymentSettings } from "../payments/payment-settings.server.ts";
import { AmountUsdSchema, startCheckout } from "../payments/payments.server.ts";
import { publicOrigin } from "../http/request-origin.server.ts";

export const FREE_ONRAMP_OFF = new GatewayError(
  403,
  "Free top-ups are off on this gateway (FREE_ONRAMP): buy credits with a card on the Credits page",
  { type: "permission_error", code: "free_onramp_disabled" },
);

export const PAYMENTS_OFF = new GatewayError(
  503,
  "Payments are not configured on this gateway (STRIPE_SECRET_KEY)",
  { type: "server_error", code: "payments_not_configured" },
);

const IDEMPOTENCY_KEY = /^[\w.:-]{1,200}$/;

/** POST /api/payments/onramp: +1,000 credits, once per Idempotency-Key header. */
export const onrampApi = (accounts: Accounts, settings: PaymentSettings, request: Request) =>
  jsonApi(async () => {
    const { userId, accountId } = await requireApiScope(accounts, request, "billing");
    if (!settings.freeOnramp) throw FREE_ONRAMP_OFF;
    const header = request.headers.get("idempotency-key");
    // Required: without it a retried or repeated call would credit again.
    if (header === null) {
      throw invalidRequest(
        "The Idempotency-Key header is required: one value per top-up, reused when retrying it",
        "Idempotency-Key",
      );
    }
    if (!IDEMPOTENCY_KEY.test(header)) {
      throw invalidRequest(
        "Idempotency-Key must be 1-200 letters, digits, '-', '_', '.' or ':'",
        "Idempotency-Key",
      );
    }
    const http = { prisma: accounts.prisma, request };
    const who = { accountId, userId };
    const topped = freeTopUp(http, who, header, settings.freeOnrampPerDay);
    const { transaction, replayed } = await topped.catch((error: unknown) => {
      if (error instanceof FreeOnrampLimitError)
        throw new GatewayError(429, error.message, {
          type: "rate_limit_error",
          code: "free_onramp_limit",
          retryAfter: error.retryAfterSeconds,
        });
      throw error;
    });
    const user = await accounts.prisma.user.findUniqueOrThrow({
      where: { id: accountId },
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

const CheckoutSchema = z.object({ amountUsd: AmountUsdSchema });

/**
 * POST /api/payments/checkout {amountUsd}: a Stripe Checkout Session to pay
 * in; its URL is where to send the user. The same Idempotency-Key header gives
 * the same session.
 */
export const checkoutApi = (accounts: Accounts, settings: PaymentSettings, request: Request) =>
  jsonApi(async () => {
    const { accountId } = await requireApiScope(accounts, request, "billing");
    if (!settings.stripe) throw PAYMENTS_OFF;
    const header = request.headers.get("idempotency-key");
    if (header !== null && !IDEMPOTENCY_KEY.test(header))
      throw invalidRequest(
        "Idempotency-Key must be 1-200 letters, digits, '-', '_', '.' or ':'",
        "Idempotency-Key",
      );
    const { amountUsd } = await readBody(request, CheckoutSchema);
    const checkout = await startCheckout(accounts.prisma, settings.stripe.stripe, {
      userId: accountId,
      amountCents: amountUsd,
      idempotencyKey: header ?? randomUUID(),
      origin: publicOrigin(request),
      maxPerDayUsd: settings.maxTopupPerDayUsd,
    });
    return Response.json(checkout, { status: 201 });
  });

/** GET /api/payments: the user's payments, newest first, with their state. */
export const listPaymentsApi = (accounts: Accounts, request: Request) =>
  jsonApi(async () => {
    const { accountId } = await requireApiScope(accounts, request, "billing");
    const payments = await accounts.prisma.payment.findMany({
      where: { userId: accountId },
      orderBy: { createdAt: "desc" },
      take: 100,
    });
    return Response.json({
      payments: payments.map((payment) => ({
        id: payment.id,
        amountUsd: (payment.amountCents / 100).toFixed(2),
        credits: money(payment.credits),
        status: payment.status.toLowerCase(),
        refundedUsd: (payment.refundedCents / 100).toFixed(2),
        stripeId: payment.paymentIntentId ?? payment.checkoutSessionId,
        receiptUrl: payment.receiptUrl,
        createdAt: payment.createdAt.toISOString(),
        paidAt: payment.paidAt?.toISOString() ?? null,
      })),
    });
  });
