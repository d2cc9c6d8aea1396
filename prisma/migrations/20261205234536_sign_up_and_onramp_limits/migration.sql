-- Sign-ups counted per client address, and free top-ups per person per day
-- (issue #21, finding 10; ADR 034).

-- AlterTable
ALTER TABLE "onramp_transactions" ADD COLUMN     "requested_by" UUID;

-- CreateTable
CREATE TABLE "sign_up_attempts" (
    "id" BIGSERIAL NOT NULL,
    "address" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "sign_up_attempts_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "sign_up_attempts_address_created_at_idx" ON "sign_up_attempts"("address", "created_at");

-- CreateIndex
CREATE INDEX "onramp_transactions_requested_by_created_at_idx" ON "onramp_transactions"("requested_by", "created_at");
