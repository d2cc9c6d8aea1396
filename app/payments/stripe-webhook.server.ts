import type Stripe from "stripe";
import type { Prisma } from "../db/prisma.server.ts";
import { readBodyText } from "../http/read-json-body.server.ts";
import type { Logger } from "../observability/logger.server.ts";
import { creditPaidSession, fetchReceipt, idOf } from "./checkout-session.server.ts";
import {
  creditPayment,
  markPaymentFailed,
  PaymentProblem,
  recordCharge,
  recordDispute,
  recordRefund,
} from "./payments.server.ts";
import { autoTopUpFailed } from "./auto-topup.server.ts";
import { cardSaved } from "./auto-topup-settings.server.ts";

// POST /api/payments/stripe/webhook. Every event is kept once by its id
// (stripe_events) and marked processed when it took effect; an event that
// failed stays unprocessed, so Stripe's retry (or a duplicate delivery) runs
// it again. The answer is 2xx only once its effect is committed, never a
// redirect. Crediting itself is exactly once (payments.server.ts), so
// duplicates racing each other on several instances are harmless.

const json = (status: number, body: unknown) => Response.json(body, { status });

export async function handleStripeWebhook(
  setup: { prisma: Prisma; stripe: Stripe; webhookSecret: string; log: Logger },
  request: Request,
): Promise<Response> {
  const { prisma, stripe, log } = setup;
  const signature = request.headers.get("stripe-signature");
  if (!signature) return json(400, { error: "The Stripe-Signature header is missing" });
  let event: Stripe.Event;
  try {
    event = await stripe.webhooks.constructEventAsync(
      await readBodyText(request),
      signature,
      setup.webhookSecret,
    );
  } catch (error) {
    log.warn({ err: (error as Error).message }, "stripe webhook with a bad signature");
    return json(400, { error: "The signature does not match this endpoint's secret" });
  }
  // One statement, so that deliveries of one event racing on several instances all count.
  const [stored] = await prisma.$queryRaw<{ processed_at: Date | null }[]>`
    INSERT INTO stripe_events (id, type, payload, attempts)
    VALUES (${event.id}, ${event.type}, ${JSON.stringify(event)}::jsonb, 1)
    ON CONFLICT (id) DO UPDATE SET attempts = stripe_events.attempts + 1
    RETURNING processed_at`;
  if (stored!.processed_at) return json(200, { received: true, duplicate: true });
  try {
    const outcome = await applyEvent(prisma, stripe, log, event);
    await prisma.stripeEvent.update({
      where: { id: event.id },
      data: { processedAt: new Date(), lastError: null },
    });
    return json(200, { received: true, outcome });
  } catch (error) {
    const problem = error instanceof PaymentProblem;
    await prisma.stripeEvent
      .update({ where: { id: event.id }, data: { lastError: String((error as Error).message) } })
      .catch(() => {});
    log[problem ? "warn" : "error"](
      { err: error, eventId: event.id, type: event.type },
      "stripe webhook event not applied",
    );
    // A problem with the event itself is a 400; anything else a 500, which Stripe retries.
    return problem
      ? json(400, { error: (error as Error).message })
      : json(500, { error: "The event could not be applied now; Stripe will retry it" });
  }
}

/** What an event does; the outcome is for the answer and the logs. */
async function applyEvent(prisma: Prisma, stripe: Stripe, log: Logger, event: Stripe.Event) {
  switch (event.type) {
    case "checkout.session.completed":
    case "checkout.session.async_payment_succeeded": {
      const session = event.data.object;
      if (session.mode === "setup" && session.metadata?.purpose === "auto_topup")
        return cardSaved(prisma, stripe, session);
      if (session.mode !== "payment") return "ignored";
      return creditPaidSession({ prisma, stripe, log }, session);
    }
    case "payment_intent.succeeded": {
      const intent = event.data.object;
      // Payments of other integrations on the same Stripe account are not ours.
      if (!intent.metadata?.payment_id) return "not ours";
      const outcome = await creditPayment(prisma, {
        paymentId: intent.metadata.payment_id,
        amountCents: intent.amount_received,
        currency: intent.currency,
        paymentIntentId: intent.id,
      });
      if (outcome === "credited") await fetchReceipt({ prisma, stripe, log }, intent.id);
      return outcome;
    }
    case "checkout.session.async_payment_failed":
    case "checkout.session.expired":
      await markPaymentFailed(prisma, event.data.object.metadata?.payment_id);
      return "failed";
    case "payment_intent.payment_failed": {
      const intent = event.data.object;
      const paymentId = intent.metadata?.payment_id;
      if (intent.metadata?.auto_topup === "true" && paymentId)
        await autoTopUpFailed(
          prisma,
          paymentId,
          intent.last_payment_error?.message ?? "the card was declined",
        );
      else await markPaymentFailed(prisma, paymentId);
      return "failed";
    }
    case "charge.succeeded": {
      const charge = event.data.object;
      await recordCharge(prisma, {
        id: charge.id,
        paymentIntentId: idOf(charge.payment_intent),
        receiptUrl: charge.receipt_url,
      });
      return "recorded";
    }
    case "charge.refunded": {
      const charge = event.data.object;
      return recordRefund(prisma, {
        chargeId: charge.id,
        paymentIntentId: idOf(charge.payment_intent),
        amountRefundedCents: charge.amount_refunded,
      });
    }
    case "charge.dispute.created": {
      const dispute = event.data.object;
      return recordDispute(prisma, {
        id: dispute.id,
        chargeId: idOf(dispute.charge) ?? "",
        paymentIntentId: idOf(dispute.payment_intent),
        amountCents: dispute.amount,
      });
    }
    default:
      return "ignored";
  }
}
