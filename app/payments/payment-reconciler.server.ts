import {
  checkCheckoutSession,
  type CheckoutOutcome,
  type StripeContext,
} from "./checkout-session.server.ts";
import { PaymentProblem } from "./payments.server.ts";

/** At most this many payments per instance and round, so one round stays short. */
const BATCH = 50;

/**
 * Pending Checkout payments older than `afterSeconds`, checked with Stripe
 * (ADR 045): a paid one is credited, an expired one marked failed, as their
 * webhooks would have. Each round claims its payments in one UPDATE (rows
 * another instance holds are skipped, and a claimed payment waits
 * `afterSeconds` before the next check), so instances running at once ask
 * Stripe about different payments; crediting is exactly once regardless.
 */
export async function reconcilePendingPayments(context: StripeContext, afterSeconds: number) {
  const claimed = await context.prisma.$queryRaw<{ id: string; checkout_session_id: string }[]>`
    UPDATE payments SET stripe_checked_at = now()
    WHERE id IN (
      SELECT id FROM payments
      WHERE status = 'PENDING' AND checkout_session_id IS NOT NULL
        AND created_at < now() - make_interval(secs => ${afterSeconds}::int)
        AND (stripe_checked_at IS NULL
             OR stripe_checked_at < now() - make_interval(secs => ${afterSeconds}::int))
      ORDER BY created_at
      LIMIT ${BATCH}
      FOR UPDATE SKIP LOCKED)
    RETURNING id::text, checkout_session_id`;
  const counts: Record<CheckoutOutcome | "errors", number> = {
    credited: 0,
    already: 0,
    processing: 0,
    open: 0,
    expired: 0,
    errors: 0,
  };
  for (const payment of claimed) {
    try {
      const outcome = await checkCheckoutSession(context, {
        id: payment.id,
        checkoutSessionId: payment.checkout_session_id,
      });
      counts[outcome]++;
    } catch (error) {
      counts.errors++;
      // A mismatch is ours to look at; anything else (Stripe unreachable) is retried next time.
      context.log[error instanceof PaymentProblem ? "error" : "warn"](
        { err: error, paymentId: payment.id },
        "could not reconcile a pending payment with Stripe",
      );
    }
  }
  return { checked: claimed.length, ...counts };
}

/**
 * Reconciles pending payments at start and then every minute (or every
 * `afterSeconds`, if shorter). Every instance runs one; the claims make that safe.
 */
export function startPaymentReconciler(context: StripeContext, afterSeconds: number) {
  const round = async () => {
    try {
      const result = await reconcilePendingPayments(context, afterSeconds);
      // Each payment that could not be checked was logged above; these had no webhook.
      if (result.credited > 0 || result.expired > 0)
        context.log.warn(
          result,
          "reconciled pending payments with Stripe: their webhooks did not come (check the endpoint)",
        );
    } catch (error) {
      context.log.error({ err: error }, "payment reconciler failed");
    }
  };
  void round();
  const timer = setInterval(() => void round(), Math.min(60, afterSeconds) * 1000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
