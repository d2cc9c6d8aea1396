import { emitEvent } from "../accounts/notifications/events.server.ts";
import { randomUUID } from "node:crypto";
import type Stripe from "stripe";
import type { Prisma } from "../db/prisma.server.ts";
import type { ChangeListener } from "../db/change-listener.server.ts";
import type { Logger } from "../observability/logger.server.ts";
import { creditsToMicro } from "../utils/money.ts";

export const AUTO_TOPUPS_CHANNEL = "gateway_auto_topups_changed";

/** How long a claimed charge blocks another for the user if its instance never finishes it. */
const IN_FLIGHT_MINUTES = 10;

/**
 * Auto top-up (ADR 028). Each instance keeps the thresholds of the users who
 * enabled it (with a saved card) in memory, reloaded on a change notification,
 * and looks at every balance its ledger writes: one under its user's threshold
 * starts a charge. Starting one is a claim in the database (one UPDATE that
 * only succeeds while no charge is in flight and no failure is cooling down),
 * so that however many settles on however many instances cross the threshold
 * at once, one charge is made. The charge is an off-session PaymentIntent on
 * the saved card, its pending payment written first; Stripe's webhook credits
 * it like any payment, and crediting it ends the claim.
 */
export class AutoTopUp {
  private thresholds: Promise<Map<string, bigint>> | undefined;
  private readonly prisma: Prisma;
  private readonly stripe: Stripe;
  private readonly listener: ChangeListener;
  private readonly log: Logger;
  private readonly cooldownMs: number;

  constructor(options: {
    prisma: Prisma;
    stripe: Stripe;
    listener: ChangeListener;
    log: Logger;
    /** No new attempt for this long after a failure. */
    cooldownMs?: number;
  }) {
    this.prisma = options.prisma;
    this.stripe = options.stripe;
    this.listener = options.listener;
    this.log = options.log;
    this.cooldownMs = options.cooldownMs ?? 3_600_000;
    this.listener.on(AUTO_TOPUPS_CHANNEL, () => (this.thresholds = undefined));
    this.listener.onConnectionLost(() => (this.thresholds = undefined));
  }

  /** Balances a ledger batch left: any under its user's threshold starts a top-up (not awaited). */
  balancesWritten(users: { id: string; balance: bigint }[]) {
    if (users.length === 0) return;
    void this.enabled()
      .then((thresholds) => {
        for (const user of users) {
          const threshold = thresholds.get(user.id);
          if (threshold !== undefined && user.balance < threshold) void this.start(user.id);
        }
      })
      .catch((error: unknown) => this.log.error({ err: error }, "auto top-up check failed"));
  }

  private enabled() {
    if (this.thresholds && this.listener.connected) return this.thresholds;
    const loading = this.prisma.autoTopUp
      .findMany({
        where: { enabled: true, paymentMethodId: { not: null } },
        select: { userId: true, threshold: true },
      })
      .then((rows) => new Map(rows.map((row) => [row.userId, row.threshold])));
    this.thresholds = loading;
    loading.catch(() => (this.thresholds = undefined));
    return loading;
  }

  /** Claims the user's top-up and charges the saved card; a failure is recorded for the dashboard. */
  async start(userId: string) {
    const [claimed] = await this.prisma.$queryRaw<
      { amount_cents: number; customer_id: string; payment_method_id: string }[]
    >`
      UPDATE auto_topups SET in_flight_until = now() + make_interval(mins => ${IN_FLIGHT_MINUTES})
      WHERE user_id = ${userId}::uuid AND enabled AND payment_method_id IS NOT NULL
        AND (in_flight_until IS NULL OR in_flight_until < now())
        AND (failed_at IS NULL OR failed_at < now() - make_interval(secs => ${this.cooldownMs / 1000}))
        AND (SELECT balance FROM users WHERE id = ${userId}::uuid) < threshold
      RETURNING amount_cents, customer_id, payment_method_id`;
    if (!claimed) return;
    const payment = await this.prisma.payment.create({
      data: {
        userId,
        amountCents: claimed.amount_cents,
        credits: creditsToMicro(claimed.amount_cents),
        idempotencyKey: `auto:${randomUUID()}`,
        auto: true,
      },
    });
    try {
      const intent = await this.stripe.paymentIntents.create(
        {
          amount: claimed.amount_cents,
          currency: "usd",
          customer: claimed.customer_id,
          payment_method: claimed.payment_method_id,
          off_session: true,
          confirm: true,
          metadata: { payment_id: payment.id, auto_topup: "true" },
        },
        { idempotencyKey: `auto-topup-${payment.id}` },
      );
      await this.prisma.payment.update({
        where: { id: payment.id },
        data: { paymentIntentId: intent.id },
      });
      this.log.info({ userId, paymentId: payment.id }, "auto top-up charged");
      await emitEvent(
        this.prisma,
        {
          accountId: userId,
          type: "auto_topup.charged",
          data: { payment_id: payment.id, amount_cents: claimed.amount_cents },
        },
        this.log,
      );
    } catch (error) {
      await autoTopUpFailed(this.prisma, payment.id, (error as Error).message);
      this.log.warn({ err: error, userId, paymentId: payment.id }, "auto top-up failed");
    }
  }
}

/** An auto top-up that failed: its payment FAILED, the reason kept for the dashboard, the claim ended. */
export async function autoTopUpFailed(prisma: Prisma, paymentId: string, reason: string) {
  const payment = await prisma.$transaction(async (tx) => {
    const failed = await tx.payment.update({
      where: { id: paymentId },
      data: { status: "FAILED" },
      select: { userId: true, amountCents: true },
    });
    await tx.autoTopUp.update({
      where: { userId: failed.userId },
      data: { inFlightUntil: null, failedAt: new Date(), lastError: reason.slice(0, 500) },
    });
    return failed;
  });
  const data = {
    payment_id: paymentId,
    amount_cents: payment.amountCents,
    reason: reason.slice(0, 500),
  };
  await emitEvent(prisma, { accountId: payment.userId, type: "auto_topup.declined", data });
  await emitEvent(prisma, { accountId: payment.userId, type: "payment.failed", data });
}
