import { randomUUID } from "node:crypto";
import { parseWithZod } from "@conform-to/zod/v4";
import { data, redirect } from "react-router";
import { z } from "zod";
import { ONRAMP_CREDITS } from "#app/accounts/account-rules.ts";
import { getAccounts } from "#app/accounts/accounts.server.ts";
import { freeTopUp } from "#app/accounts/free-top-up.server.ts";
import { FreeOnrampLimitError } from "#app/accounts/onramp.server.ts";
import { requirePageScope } from "#app/accounts/require-user.server.ts";
import { GatewayError } from "#app/http/gateway-error.ts";
import { readForm } from "#app/http/read-form.server.ts";
import { publicOrigin } from "#app/http/request-origin.server.ts";
import { processLogger } from "#app/observability/logger.server.ts";
import {
  autoTopUpOf,
  saveAutoTopUp,
  startCardSetup,
} from "#app/payments/auto-topup-settings.server.ts";
import {
  AutoTopUpSchema,
  CheckoutSchema,
  checkoutCents,
  typedCents,
} from "#app/payments/credit-forms.ts";
import { paymentReturn } from "#app/payments/payment-return.server.ts";
import { getPaymentSettings } from "#app/payments/payment-settings.server.ts";
import { startCheckout } from "#app/payments/payments.server.ts";
import { creditsToMicro, formatMoney, formatMoneyParts } from "#app/utils/money.ts";

// The Credits page's loader and action (the page is dashboard.credits.tsx):
// the balance and its history, and buying, auto top-up and free credits.

const PRESETS_USD = [10, 25, 50, 100];

// The button-only forms; the checkout and auto top-up forms have their schemas in credit-forms.ts.
const CreditsActionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("free"), token: z.uuid() }),
  z.object({ intent: z.literal("card") }),
]);

const SOURCE_LABELS = {
  ONRAMP: "Free top-up",
  SIGNUP_BONUS: "Signup bonus",
  ADJUSTMENT: "Adjustment",
  STRIPE: "Card payment",
  REFUND: "Refund",
  DISPUTE: "Dispute",
  GRANT: "Granted by an admin",
} as const;

export async function loadCreditsPage({ request }: { request: Request }) {
  const { accountId } = await requirePageScope(request, "billing");
  const { prisma } = getAccounts();
  const settings = await getPaymentSettings();
  const asked = new URL(request.url).searchParams;
  const returnedFrom = z.uuid().safeParse(asked.get("payment") ?? "");
  // Which look at a returning payment this is (the page counts them in its URL).
  const check = Math.max(0, Number.parseInt(asked.get("check") ?? "", 10) || 0);
  // Back from Checkout: that payment's state, asking Stripe until it is credited (ADR 045);
  // first, so that the balance and lists below include what it credited.
  const returned = returnedFrom.success
    ? await paymentReturn(
        { prisma, log: processLogger(), stripe: settings.stripe?.stripe },
        { accountId, paymentId: returnedFrom.data, check },
      )
    : null;
  // Credited by this very look: once more, so that the layout's balance (read beside it) shows it too.
  if (returned?.justCredited) throw redirect(`/dashboard/credits?payment=${returned.paymentId}`);
  const [user, credits, charges, payments, autoTopUp] = await Promise.all([
    prisma.user.findUniqueOrThrow({ where: { id: accountId }, select: { balance: true } }),
    prisma.onrampTransaction.findMany({
      where: { userId: accountId },
      orderBy: { createdAt: "desc" },
      take: 200,
    }),
    // Usage charges per day (UTC), to reconcile the balance by eye.
    prisma.$queryRaw<{ day: Date; requests: bigint; cost: bigint }[]>`
      SELECT day, sum(requests)::bigint AS requests, sum(cost)::bigint AS cost
      FROM usage_days WHERE user_id = ${accountId}::uuid
      GROUP BY 1 ORDER BY 1 DESC LIMIT 90`,
    prisma.payment.findMany({
      where: { userId: accountId },
      orderBy: { createdAt: "desc" },
      take: 50,
    }),
    autoTopUpOf(prisma, accountId),
  ]);
  return {
    // A fresh token per page view: a double submit or a replayed form pays or credits once.
    token: randomUUID(),
    freeOnramp: settings.freeOnramp,
    paymentsConfigured: settings.stripe !== undefined,
    presets: PRESETS_USD,
    returned,
    cancelled: asked.has("cancelled"),
    cardSaved: asked.get("card") === "saved",
    autoTopUp: autoTopUp && {
      enabled: autoTopUp.enabled,
      thresholdCredits: String(autoTopUp.threshold / 1_000_000n),
      amountUsd: (autoTopUp.amountCents / 100).toFixed(2),
      card: autoTopUp.paymentMethodId !== null,
      // Shown until the next successful top-up or a new card.
      failure: autoTopUp.failedAt && {
        at: autoTopUp.failedAt.toISOString(),
        reason: autoTopUp.lastError ?? "the charge failed",
      },
    },
    balance: formatMoneyParts(user.balance),
    credits: credits.map((row) => ({
      id: row.id.toString(),
      at: row.createdAt.toISOString(),
      source: SOURCE_LABELS[row.source],
      amount: formatMoney(row.amount, { sign: true }),
    })),
    payments: payments.map((payment) => ({
      id: payment.id,
      at: payment.createdAt.toISOString(),
      amount: formatMoney(creditsToMicro(payment.amountCents)), // 1 credit = 1 cent
      status: payment.status.toLowerCase(),
      stripeId: payment.paymentIntentId ?? payment.checkoutSessionId ?? "–",
      receiptUrl: payment.receiptUrl,
    })),
    charges: charges.map((row) => ({
      day: row.day.toISOString().slice(0, 10),
      requests: Number(row.requests),
      cost: formatMoney(-row.cost, { sign: true }),
    })),
  };
}

export async function creditsPageAction({ request }: { request: Request }) {
  const { accountId, userId } = await requirePageScope(request, "billing");
  const { prisma } = getAccounts();
  const settings = await getPaymentSettings();
  const form = await readForm(request);
  const intent = form.get("intent");
  // The forms with typed fields answer beside them (ADR 048).
  if (intent === "checkout" || intent === "auto") {
    const submission = parseWithZod(form, {
      schema: intent === "checkout" ? CheckoutSchema : AutoTopUpSchema,
    });
    if (submission.status !== "success")
      return data({ form: intent, result: submission.reply() }, { status: 400 });
    const refuse = (message: string, status: number) =>
      data({ form: intent, result: submission.reply({ formErrors: [message] }) }, { status });
    if (!settings.stripe) return refuse("Payments are not configured on this gateway.", 503);
    const { value } = submission;
    if (value.intent === "checkout") {
      try {
        const { url } = await startCheckout(prisma, settings.stripe.stripe, {
          userId: accountId,
          amountCents: checkoutCents(value)!,
          idempotencyKey: value.token,
          origin: publicOrigin(request),
          maxPerDayUsd: settings.maxTopupPerDayUsd,
        });
        return redirect(url);
      } catch (error) {
        if (error instanceof GatewayError) return refuse(error.message, error.status);
        throw error;
      }
    }
    const settingsToSave = {
      enabled: value.enabled,
      thresholdCredits: value.thresholdCredits,
      amountCents: typedCents(value.amountUsd)!,
    };
    const saved = await saveAutoTopUp(prisma, accountId, settingsToSave);
    if (!saved) return refuse("Save a card first: auto top-up charges it.", 400);
    return {
      form: intent,
      section: "auto" as const,
      result: submission.reply(),
      message: value.enabled
        ? `Auto top-up on: under ${formatMoney(creditsToMicro(value.thresholdCredits))}, your card is charged for ${formatMoney(creditsToMicro(settingsToSave.amountCents /* cents: a credit each */))}.`
        : "Auto top-up off.",
    };
  }
  const parsed = CreditsActionSchema.safeParse(Object.fromEntries(form));
  if (!parsed.success)
    return data(
      { message: "This form has expired; reload the page and try again." },
      { status: 400 },
    );
  const input = parsed.data;
  if (input.intent === "card") {
    if (!settings.stripe)
      return data({ message: "Payments are not configured on this gateway." }, { status: 503 });
    const { email } = await prisma.user.findUniqueOrThrow({
      where: { id: userId },
      select: { email: true },
    });
    return redirect(
      await startCardSetup(prisma, settings.stripe.stripe, {
        userId: accountId,
        // Stripe's receipts go to the person who saved the card.
        email: email!,
        origin: publicOrigin(request),
      }),
    );
  }
  if (!settings.freeOnramp)
    return data(
      { message: "Free top-ups are off on this gateway: pay with a card instead." },
      { status: 403 },
    );
  let topped: Awaited<ReturnType<typeof freeTopUp>>;
  try {
    const who = { accountId, userId };
    topped = await freeTopUp({ prisma, request }, who, input.token, settings.freeOnrampPerDay);
  } catch (error) {
    if (!(error instanceof FreeOnrampLimitError)) throw error;
    return data(
      { message: `${error.message}.` },
      { status: 429, headers: { "Retry-After": String(error.retryAfterSeconds) } },
    );
  }
  return {
    message: topped.replayed
      ? "Already added: this form was submitted before."
      : `Added ${formatMoney(creditsToMicro(ONRAMP_CREDITS))}.`,
  };
}
