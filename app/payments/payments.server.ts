import { emitEvent } from "../accounts/notifications/events.server.ts";
import type Stripe from "stripe";
import { z } from "zod";
import type { Tx } from "../billing/ledger-statements.server.ts";
import type { Prisma } from "../db/prisma.server.ts";
import { GatewayError } from "../http/gateway-error.ts";
import { creditsToMicro } from "../utils/money.ts";
import { TOPUP_MAX_USD, TOPUP_MIN_USD } from "./credit-forms.ts";

// Money in through Stripe (ADR 028). A payment row is written before the
// redirect to Checkout; Stripe's webhooks then credit it exactly once, whatever
// events announce it and however often: crediting locks the payment row and
// moves it from PENDING to PAID in the same transaction that writes the credit
// row (whose idempotency key is the payment's) and raises the balance.
// 1 US cent buys 1 credit (1,000,000 µcr).

// The limits live with the Credits page's form schema, which the browser loads too.
export { TOPUP_MAX_USD, TOPUP_MIN_USD };

/** A top-up amount in US dollars, to the cent, within the limits. */
export const AmountUsdSchema = z
  .number({ error: "must be a number of US dollars" })
  .min(TOPUP_MIN_USD, `must be at least ${TOPUP_MIN_USD}`)
  .max(TOPUP_MAX_USD, `must be at most ${TOPUP_MAX_USD}`)
  .refine((usd) => Math.abs(usd * 100 - Math.round(usd * 100)) < 1e-6, "must be whole cents")
  .transform((usd) => Math.round(usd * 100));

/** Accounts this young are held to MAX_TOPUP_PER_DAY_USD. */
const NEW_ACCOUNT_DAYS = 30;

/** What a webhook cannot credit: a 400, and nothing moves. */
export class PaymentProblem extends Error {}

/**
 * A Checkout Session for a top-up, and its pending payment row (written first,
 * its id in the session's metadata). The same idempotency key (one per form
 * submission) gives the same payment and the same session.
 */
export async function startCheckout(
  prisma: Prisma,
  stripe: Stripe,
  input: {
    userId: string;
    amountCents: number;
    idempotencyKey: string;
    /** Where Checkout sends the user back (the gateway's public origin). */
    origin: string;
    maxPerDayUsd: number;
  },
) {
  const payment = await pendingPayment(prisma, input);
  if (payment.checkoutUrl) return { paymentId: payment.id, url: payment.checkoutUrl };
  const back = `${input.origin}/dashboard/credits`;
  const session = await stripe.checkout.sessions.create(
    {
      mode: "payment",
      client_reference_id: input.userId,
      line_items: [
        {
          quantity: 1,
          price_data: {
            currency: "usd",
            unit_amount: payment.amountCents,
            product_data: { name: `${payment.amountCents.toLocaleString("en")} gateway credits` },
          },
        },
      ],
      metadata: { payment_id: payment.id },
      payment_intent_data: { metadata: { payment_id: payment.id } },
      success_url: `${back}?payment=${payment.id}`,
      cancel_url: `${back}?cancelled=${payment.id}`,
    },
    // Stripe answers a repeat of this key with the same session.
    { idempotencyKey: `checkout-${payment.id}` },
  );
  if (!session.url) throw new Error("Stripe returned a Checkout Session without a URL");
  await prisma.payment.update({
    where: { id: payment.id },
    data: { checkoutSessionId: session.id, checkoutUrl: session.url },
  });
  return { paymentId: payment.id, url: session.url };
}

/**
 * The payment of this idempotency key, created if new. Per user, one at a time
 * (an advisory lock for the transaction), so that concurrent submissions can
 * neither make two rows of one key nor pass the daily brake together.
 */
function pendingPayment(
  prisma: Prisma,
  input: { userId: string; amountCents: number; idempotencyKey: string; maxPerDayUsd: number },
) {
  return prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${PAYMENT_LOCK_CLASS}::int, hashtext(${input.userId}))`;
    const existing = await tx.payment.findUnique({
      where: {
        userId_idempotencyKey: { userId: input.userId, idempotencyKey: input.idempotencyKey },
      },
    });
    if (existing) return existing;
    await checkDailyLimit(tx, input.userId, input.amountCents, input.maxPerDayUsd);
    return tx.payment.create({
      data: {
        userId: input.userId,
        amountCents: input.amountCents,
        credits: creditsToMicro(input.amountCents),
        idempotencyKey: input.idempotencyKey,
      },
    });
  });
}

/** The advisory lock class of a user's new payments. */
const PAYMENT_LOCK_CLASS = 0x67770002;

/** A brake on card testing: a new account pays in at most `maxPerDayUsd` per 24 hours (pending included). */
async function checkDailyLimit(prisma: Tx, userId: string, cents: number, maxPerDayUsd: number) {
  const user = await prisma.user.findUniqueOrThrow({
    where: { id: userId },
    select: { createdAt: true },
  });
  if (Date.now() - user.createdAt.getTime() > NEW_ACCOUNT_DAYS * 86_400_000) return;
  const { _sum } = await prisma.payment.aggregate({
    where: {
      userId,
      status: { in: ["PENDING", "PAID"] },
      createdAt: { gt: new Date(Date.now() - 86_400_000) },
    },
    _sum: { amountCents: true },
  });
  const used = _sum.amountCents ?? 0;
  if (used + cents > maxPerDayUsd * 100)
    throw new GatewayError(
      429,
      `New accounts may top up at most $${maxPerDayUsd} a day ($${(used / 100).toFixed(2)} in the last 24 hours); try a smaller amount or later`,
      { type: "rate_limit_error", code: "topup_limit_reached", param: "amountUsd" },
    );
}

/** What Stripe says was paid, from any of the events that announce a payment. */
export interface PaidNotice {
  paymentId: string | undefined;
  amountCents: number;
  currency: string;
  checkoutSessionId?: string;
  paymentIntentId?: string | null;
}

interface PaymentRow {
  id: string;
  user_id: string;
  amount_cents: number;
  credits: bigint;
  status: string;
  checkout_session_id: string | null;
  payment_intent_id: string | null;
  charge_id: string | null;
  refunded_cents: number;
  auto: boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Credits a paid payment once: "credited" the first time, "already" after.
 * An unknown payment, another session or another amount is a PaymentProblem.
 */
export async function creditPayment(prisma: Prisma, paid: PaidNotice) {
  if (!paid.paymentId || !UUID.test(paid.paymentId))
    throw new PaymentProblem("the event names no payment of this gateway (metadata.payment_id)");
  let credited: PaymentRow | undefined;
  const result = await prisma.$transaction(async (tx) => {
    const [row] = await tx.$queryRaw<PaymentRow[]>`
      SELECT * FROM payments WHERE id = ${paid.paymentId}::uuid FOR UPDATE`;
    if (!row) throw new PaymentProblem(`no payment ${paid.paymentId}`);
    if (
      paid.checkoutSessionId &&
      row.checkout_session_id &&
      row.checkout_session_id !== paid.checkoutSessionId
    )
      throw new PaymentProblem(`payment ${row.id} belongs to another Checkout Session`);
    if (paid.currency !== "usd" || paid.amountCents !== row.amount_cents)
      throw new PaymentProblem(
        `payment ${row.id} is for ${row.amount_cents} usd cents, the event says ${paid.amountCents} ${paid.currency}`,
      );
    if (row.status !== "PENDING" && row.status !== "FAILED") return "already" as const;
    await tx.payment.update({
      where: { id: row.id },
      data: {
        status: "PAID",
        paidAt: new Date(),
        checkoutSessionId: row.checkout_session_id ?? paid.checkoutSessionId,
        paymentIntentId: row.payment_intent_id ?? paid.paymentIntentId ?? undefined,
      },
    });
    await tx.onrampTransaction.create({
      data: {
        userId: row.user_id,
        amount: row.credits,
        source: "STRIPE",
        idempotencyKey: `stripe:${row.id}`,
      },
    });
    await tx.user.update({
      where: { id: row.user_id },
      data: { balance: { increment: row.credits } },
    });
    // An auto top-up is over once credited: the next one may start when needed.
    if (row.auto)
      await tx.autoTopUp.updateMany({
        where: { userId: row.user_id },
        data: { inFlightUntil: null, failedAt: null, lastError: null },
      });
    credited = row;
    return "credited" as const;
  });
  if (credited)
    await emitEvent(prisma, {
      accountId: credited.user_id,
      type: "payment.succeeded",
      data: {
        payment_id: credited.id,
        amount_cents: credited.amount_cents,
        credits: String(credited.credits),
        auto: credited.auto,
      },
    });
  return result;
}

/** A payment Stripe says failed (or whose Checkout expired): marked FAILED while still pending. */
export async function markPaymentFailed(prisma: Prisma, paymentId: string | undefined) {
  if (!paymentId || !UUID.test(paymentId)) return;
  await prisma.payment.updateMany({
    where: { id: paymentId, status: "PENDING" },
    data: { status: "FAILED" },
  });
}

/** The charge behind a payment and its receipt, when Stripe tells (best effort: display only). */
export async function recordCharge(
  prisma: Prisma,
  charge: { id: string; paymentIntentId: string | null; receiptUrl: string | null },
) {
  if (!charge.paymentIntentId) return;
  await prisma.payment.updateMany({
    where: { paymentIntentId: charge.paymentIntentId },
    data: { chargeId: charge.id, receiptUrl: charge.receiptUrl },
  });
}

/** The payment a charge belongs to, locked. */
async function lockPaymentOfCharge(
  tx: Tx,
  charge: { chargeId: string | null; paymentIntentId: string | null },
) {
  const [row] = await tx.$queryRaw<PaymentRow[]>`
    SELECT * FROM payments
    WHERE charge_id = ${charge.chargeId} OR payment_intent_id = ${charge.paymentIntentId}
    LIMIT 1 FOR UPDATE`;
  return row;
}

/**
 * A refund: what was refunded since the last one we saw (Stripe reports the
 * total) leaves the balance as a negative credit row, once per total. The
 * balance may go below zero; requests then get 402 until a top-up.
 */
export async function recordRefund(
  prisma: Prisma,
  refund: { chargeId: string; paymentIntentId: string | null; amountRefundedCents: number },
) {
  return prisma.$transaction(async (tx) => {
    const row = await lockPaymentOfCharge(tx, refund);
    if (!row) return "not ours" as const;
    const cents = Math.min(refund.amountRefundedCents, row.amount_cents) - row.refunded_cents;
    if (cents <= 0) return "already" as const;
    await takeBack(
      tx,
      row,
      cents,
      "REFUND",
      `refund:${refund.chargeId}:${refund.amountRefundedCents}`,
    );
    await tx.payment.update({
      where: { id: row.id },
      data: {
        refundedCents: row.refunded_cents + cents,
        status: row.refunded_cents + cents >= row.amount_cents ? "REFUNDED" : undefined,
      },
    });
    return "recorded" as const;
  });
}

/** A dispute: its amount leaves the balance at once (a negative row, once per dispute). */
export async function recordDispute(
  prisma: Prisma,
  dispute: { id: string; chargeId: string; paymentIntentId: string | null; amountCents: number },
) {
  return prisma.$transaction(async (tx) => {
    const row = await lockPaymentOfCharge(tx, dispute);
    if (!row) return "not ours" as const;
    const key = `dispute:${dispute.id}`;
    const seen = await tx.onrampTransaction.findUnique({
      where: { userId_idempotencyKey: { userId: row.user_id, idempotencyKey: key } },
    });
    if (seen) return "already" as const;
    await takeBack(tx, row, Math.min(dispute.amountCents, row.amount_cents), "DISPUTE", key);
    await tx.payment.update({ where: { id: row.id }, data: { status: "DISPUTED" } });
    return "recorded" as const;
  });
}

async function takeBack(
  tx: Tx,
  row: PaymentRow,
  cents: number,
  source: "REFUND" | "DISPUTE",
  idempotencyKey: string,
) {
  const amount = creditsToMicro(cents);
  await tx.onrampTransaction.create({
    data: { userId: row.user_id, amount: -amount, source, idempotencyKey },
  });
  await tx.user.update({ where: { id: row.user_id }, data: { balance: { decrement: amount } } });
}
