import type Stripe from "stripe";
import type { Prisma } from "../db/prisma.server.ts";
import type { Logger } from "../observability/logger.server.ts";
import { formatMoney } from "../utils/money.ts";
import { checkCheckoutSession } from "./checkout-session.server.ts";
import { RETURN_MAX_CHECKS, type PaymentReturn } from "./payment-return.ts";
import { PaymentProblem } from "./payments.server.ts";

/**
 * Back from Checkout (ADR 045): a payment not yet credited is checked with
 * Stripe itself, which credits it as its webhook would (once, whichever comes
 * first), so that a late or lost webhook does not leave the user waiting.
 */
export async function paymentReturn(
  context: { prisma: Prisma; log: Logger; stripe: Stripe | undefined },
  input: { accountId: string; paymentId: string; check: number },
): Promise<(PaymentReturn & { justCredited: boolean }) | null> {
  const { prisma, log, stripe } = context;
  const find = () =>
    prisma.payment.findFirst({ where: { id: input.paymentId, userId: input.accountId } });
  let payment = await find();
  if (!payment) return null;
  const view = (state: PaymentReturn["state"], justCredited = false) => ({
    justCredited,
    paymentId: payment!.id,
    credits: formatMoney(payment!.credits),
    check: input.check,
    checkoutUrl: state === "open" ? payment!.checkoutUrl : null,
    state,
  });
  const unsettled = payment.status === "PENDING" || payment.status === "FAILED";
  if (!unsettled) return view("credited");
  if (!stripe || !payment.checkoutSessionId)
    return view(payment.status === "FAILED" ? "failed" : waitingOrGaveUp(input.check));
  try {
    const outcome = await checkCheckoutSession(
      { prisma, stripe, log },
      { id: payment.id, checkoutSessionId: payment.checkoutSessionId },
      // A slow Stripe must not hold the page: it says "crediting…" and looks again.
      { timeout: ASK_STRIPE_TIMEOUT_MS, maxNetworkRetries: 0 },
    );
    payment = (await find())!;
    if (outcome === "credited" || outcome === "already")
      return view("credited", outcome === "credited");
    if (payment.status === "FAILED" && outcome !== "expired") return view("failed");
    return view(outcome);
  } catch (error) {
    if (error instanceof PaymentProblem) {
      log.error({ err: error, paymentId: payment.id }, "a returning payment does not match");
      return view("problem");
    }
    log.warn({ err: error, paymentId: payment.id }, "could not ask Stripe about a payment");
    return view(waitingOrGaveUp(input.check));
  }
}

/** How long one look waits for Stripe (the SDK's default is 20 s, with retries). */
const ASK_STRIPE_TIMEOUT_MS = 4_000;

const waitingOrGaveUp = (check: number) => (check >= RETURN_MAX_CHECKS ? "gave up" : "waiting");
