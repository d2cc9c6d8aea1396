import type Stripe from "stripe";
import { z } from "zod";
import type { Prisma } from "../db/prisma.server.ts";
import { creditsToMicro } from "../utils/money.ts";
import { AmountUsdSchema, PaymentProblem } from "./payments.server.ts";

// A user's auto top-up settings and saved card (ADR 028). The card is saved by
// a Checkout Session in setup mode; its webhook stores the payment method.

/** Used until the user sets their own: under 500 credits, $10. */
const DEFAULTS = { threshold: creditsToMicro(500), amountCents: 1_000 };

export const AutoTopUpSettingsSchema = z
  .object({
    enabled: z.boolean({ error: "must be true or false" }),
    thresholdCredits: z
      .number({ error: "must be a number of credits" })
      .int("must be whole credits")
      .min(1, "must be at least 1")
      .max(10_000_000),
    amountUsd: AmountUsdSchema,
  })
  // A top-up that leaves the balance under the threshold would start the next one at once.
  .refine((input) => input.amountUsd > input.thresholdCredits, {
    error: "must buy more credits than the threshold (1 credit = 1 cent)",
    path: ["amountUsd"],
  });

export async function autoTopUpOf(prisma: Prisma, userId: string) {
  return prisma.autoTopUp.findUnique({ where: { userId } });
}

/** Saves the settings; enabling needs a saved card (false when there is none). */
export async function saveAutoTopUp(
  prisma: Prisma,
  userId: string,
  input: { enabled: boolean; thresholdCredits: number; amountCents: number },
) {
  const current = await autoTopUpOf(prisma, userId);
  if (input.enabled && !current?.paymentMethodId) return false;
  const settings = {
    enabled: input.enabled,
    threshold: creditsToMicro(input.thresholdCredits),
    amountCents: input.amountCents,
  };
  await prisma.autoTopUp.upsert({
    where: { userId },
    create: { userId, ...settings },
    update: settings,
  });
  return true;
}

/** A Checkout Session in setup mode to save a card for auto top-up; its URL. */
export async function startCardSetup(
  prisma: Prisma,
  stripe: Stripe,
  input: { userId: string; email: string; origin: string },
) {
  let customerId = (await autoTopUpOf(prisma, input.userId))?.customerId;
  if (!customerId) {
    const customer = await stripe.customers.create(
      { email: input.email, metadata: { user_id: input.userId } },
      { idempotencyKey: `customer-${input.userId}` },
    );
    customerId = customer.id;
    await prisma.autoTopUp.upsert({
      where: { userId: input.userId },
      create: { userId: input.userId, customerId, ...DEFAULTS },
      update: { customerId },
    });
  }
  const back = `${input.origin}/dashboard/credits`;
  const session = await stripe.checkout.sessions.create({
    mode: "setup",
    currency: "usd",
    customer: customerId,
    metadata: { user_id: input.userId, purpose: "auto_topup" },
    success_url: `${back}?card=saved`,
    cancel_url: back,
  });
  if (!session.url) throw new Error("Stripe returned a Checkout Session without a URL");
  return session.url;
}

/** The webhook of a setup-mode session: the saved card becomes the user's auto top-up card. */
export async function cardSaved(prisma: Prisma, stripe: Stripe, session: Stripe.Checkout.Session) {
  const userId = session.metadata?.user_id;
  const setupIntentId =
    typeof session.setup_intent === "string" ? session.setup_intent : session.setup_intent?.id;
  if (!userId || !setupIntentId)
    throw new PaymentProblem("a setup session without its user or setup intent");
  const setupIntent = await stripe.setupIntents.retrieve(setupIntentId);
  const paymentMethod =
    typeof setupIntent.payment_method === "string"
      ? setupIntent.payment_method
      : setupIntent.payment_method?.id;
  if (!paymentMethod) throw new PaymentProblem(`setup intent ${setupIntentId} saved no card`);
  const customerId = typeof session.customer === "string" ? session.customer : session.customer?.id;
  const { count } = await prisma.autoTopUp.updateMany({
    where: { userId, customerId },
    data: { paymentMethodId: paymentMethod, failedAt: null, lastError: null },
  });
  if (count === 0) throw new PaymentProblem(`no auto top-up of user ${userId} for this customer`);
  return "card saved" as const;
}
