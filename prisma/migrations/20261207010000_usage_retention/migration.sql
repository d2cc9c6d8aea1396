-- USAGE_RETENTION_DAYS (ADR 061) removes old usage rows: a BRIN index finds them
-- by time without reading the table (rows arrive in time order).
-- CreateIndex
CREATE INDEX "conversations_created_at_idx" ON "conversations" USING BRIN ("created_at");
