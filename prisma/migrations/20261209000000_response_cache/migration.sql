-- The exact response cache (ADR 066): an account's answers to identical requests,
-- replayed without a provider call while fresh. A hit's usage row says CACHE.
ALTER TYPE "UsageSource" ADD VALUE 'CACHE';

-- Seconds a key's answers are kept for identical requests; null: the key does not cache
-- (a request can still ask with X-OpenRouter-Cache).
ALTER TABLE "api_keys" ADD COLUMN "cache_ttl_seconds" INTEGER;

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
