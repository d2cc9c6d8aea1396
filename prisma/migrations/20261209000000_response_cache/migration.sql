-- The exact response cache (ADR 066): an account's answers to identical requests,
-- replayed without a provider call while fresh. A hit's usage row says CACHE.
ALTER TYPE "UsageSource" ADD VALUE 'CACHE';

-- Seconds a key's answers are kept for identical requests; null: the key does not cache
-- (a request can still ask with X-OpenRouter-Cache).
ALTER TABLE "api_keys" ADD COLUMN "cache_ttl_seconds" INTEGER;

-- The gateway caches the key with its TTL: a change must reach every instance.
DROP TRIGGER api_keys_notify_change ON api_keys;
CREATE TRIGGER api_keys_notify_change
  AFTER UPDATE OF enabled, deleted_at, secret_hash, user_id, expires_at, allowed_models, rpm_limit,
    tpm_limit, log_content, credit_limit, period_limit, limit_period, cache_ttl_seconds
  ON api_keys
  FOR EACH ROW
  WHEN (OLD.enabled IS DISTINCT FROM NEW.enabled OR OLD.deleted_at IS DISTINCT FROM NEW.deleted_at
        OR OLD.secret_hash IS DISTINCT FROM NEW.secret_hash OR OLD.user_id IS DISTINCT FROM NEW.user_id
        OR OLD.expires_at IS DISTINCT FROM NEW.expires_at
        OR OLD.allowed_models IS DISTINCT FROM NEW.allowed_models
        OR OLD.rpm_limit IS DISTINCT FROM NEW.rpm_limit OR OLD.tpm_limit IS DISTINCT FROM NEW.tpm_limit
        OR OLD.log_content IS DISTINCT FROM NEW.log_content
        OR OLD.credit_limit IS DISTINCT FROM NEW.credit_limit
        OR OLD.period_limit IS DISTINCT FROM NEW.period_limit
        OR OLD.limit_period IS DISTINCT FROM NEW.limit_period
        OR OLD.cache_ttl_seconds IS DISTINCT FROM NEW.cache_ttl_seconds)
  EXECUTE FUNCTION gateway_notify_api_key_changed();

-- CreateTable
CREATE TABLE "response_cache" (
    "account_id" UUID NOT NULL,
    "request_hash" TEXT NOT NULL,
    "mapping_id" INTEGER NOT NULL,
    "parts" JSONB NOT NULL,
    "size_bytes" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "response_cache_pkey" PRIMARY KEY ("account_id","request_hash")
);

-- CreateIndex
CREATE INDEX "response_cache_expires_at_idx" ON "response_cache"("expires_at");

-- CreateIndex
CREATE INDEX "response_cache_created_at_idx" ON "response_cache"("created_at");

-- AddForeignKey
ALTER TABLE "response_cache" ADD CONSTRAINT "response_cache_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
