import type Stripe from "stripe";
import type { Prisma } from "../db/prisma.server.ts";
import type { Logger } from "../observability/logger.server.ts";
import {
  creditPayment,
  markPaymentFailed,
  PaymentProblem,
  recordCharge,
} from "./payments.server.ts";

// A payment's Checkout Session, however the gateway learns of it: the webhook
// (checkout.session.completed), the page Checkout sends the user back to, or the
// reconciler (ADR 045). All three credit through creditPayment, which credits a
// payment once whoever comes first.

export interface StripeContext {
  prisma: Prisma;
  stripe: Stripe;
  log: Logger;
}

/** What a payment's Checkout Session says, once acted on. */
export type CheckoutOutcome =
  /** Paid: credited now, or by whoever came first. */
  | "credited"
  | "already"
  /** Completed, but the money is still on its way (a bank debit): its webhook credits it. */
  | "processing"
  /** Not completed: the user may still pay. */
  | "open"
  /** Expired unpaid: the payment is marked failed. */
  | "expired";

/**
 * Credits a paid Checkout Session's payment (through creditPayment, as every
 * path does) and fetches its receipt; "awaiting payment" while its money is
 * on its way.
 */
export async function creditPaidSession(
  context: StripeContext,
  session: Stripe.Checkout.Session,
  options?: Stripe.RequestOptions,
) {
  // Paid later (bank debits): async_payment_succeeded, or a later check, will say so.
  if (session.payment_status !== "paid") return "awaiting payment" as const;
  const outcome = await creditPayment(context.prisma, {
    paymentId: session.metadata?.payment_id,
    amountCents: session.amount_total ?? -1,
    currency: session.currency ?? "",
    checkoutSessionId: session.id,
    paymentIntentId: idOf(session.payment_intent),
  });
  if (outcome === "credited") await fetchReceipt(context, idOf(session.payment_intent), options);
  return outcome;
}

/**
 * Asks Stripe for a payment's Checkout Session (GET /v1/checkout/sessions/{id})
 * and does what its webhook would have: credits it if paid, marks it failed if
 * it expired. A session that is not this payment's is a PaymentProblem.
 * @see https://docs.stripe.com/api/checkout/sessions/retrieve
 */
export async function checkCheckoutSession(
  context: StripeContext,
  payment: { id: string; checkoutSessionId: string },
  /** The SDK's timeout and retries for these calls (a page cannot wait as long as a job). */
  options?: Stripe.RequestOptions,
): Promise<CheckoutOutcome> {
  const session = await context.stripe.checkout.sessions.retrieve(
    payment.checkoutSessionId,
    {},
    options,
  );
  if (session.metadata?.payment_id !== payment.id)
    throw new PaymentProblem(
      `Checkout Session ${session.id} names payment ${session.metadata?.payment_id ?? "none"}, not ${payment.id}`,
    );
  if (session.status === "expired") {
    await markPaymentFailed(context.prisma, payment.id);
    return "expired";
  }
  if (session.status !== "complete") return "open";
  const outcome = await creditPaidSession(context, session, options);
  return outcome === "awaiting payment" ? "processing" : outcome;
}

/** An id, whether Stripe sent it alone or expanded. */
export function idOf(value: string | { id: string } | null | undefined): string | null {
  if (!value) return null;
  return typeof value === "string" ? value : value.id;
}

/** The receipt of a payment just credited (display only: a failure is logged, not fatal). */
export async function fetchReceipt(
  context: StripeContext,
  paymentIntentId: string | null,
  options?: Stripe.RequestOptions,
) {
  if (!paymentIntentId) return;
  try {
    const intent = await context.stripe.paymentIntents.retrieve(
      paymentIntentId,
      { expand: ["latest_charge"] },
      options,
    );
    const charge = intent.latest_charge;
    if (charge && typeof charge !== "string")
      await recordCharge(context.prisma, {
        id: charge.id,
        paymentIntentId,
        receiptUrl: charge.receipt_url,
      });
  } catch (error) {
    context.log.warn({ err: error, paymentIntentId }, "could not fetch a payment's receipt");
  }
}
