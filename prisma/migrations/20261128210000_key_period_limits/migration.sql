-- A credit limit per UTC day or month on gateway keys (issue #10, ADR 026), beside
-- the lifetime limit: the ledger counts period_spent and starts it again each period.

-- AlterTable
ALTER TABLE "api_keys" ADD COLUMN     "limit_period" TEXT,
ADD COLUMN     "period_limit" BIGINT,
ADD COLUMN     "period_spent" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN     "period_start" TIMESTAMPTZ(3);

ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_limit_period_check"
  CHECK (limit_period IN ('day', 'month') AND period_limit IS NOT NULL OR limit_period IS NULL AND period_limit IS NULL);
