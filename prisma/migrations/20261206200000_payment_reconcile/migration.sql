-- Pending payments are reconciled with Stripe (ADR 045): when one was last
-- checked, so that each instance claims a different batch and a payment is
-- asked about once per interval, not by every instance every round.
ALTER TABLE "payments" ADD COLUMN "stripe_checked_at" TIMESTAMPTZ(3);

-- CreateIndex
CREATE INDEX "payments_status_created_at_idx" ON "payments"("status", "created_at");
