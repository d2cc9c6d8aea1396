-- The admin page shows each provider's error rate and latency over its recent requests.

-- CreateIndex
CREATE INDEX "conversations_provider_slug_created_at_idx" ON "conversations"("provider_slug", "created_at" DESC);
