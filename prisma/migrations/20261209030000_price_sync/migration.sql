-- Prices that keep up (ADR 069): each sync's diff against a public catalog, kept for
-- an admin to approve; and every price a route has had, from when, by whom. A usage
-- row keeps the prices it was charged at, so past charges never move.
CREATE TABLE "price_sync_runs" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "source_url" TEXT NOT NULL,
    "fetched_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    -- {changed: [...], added: [...], removed: [...]}, as price-sync.server.ts writes it.
    "diff" JSONB NOT NULL,
    -- What was applied at once, within PRICE_SYNC_MAX_CHANGE_PERCENT (the schedule).
    "auto_applied" INTEGER NOT NULL DEFAULT 0,
    "applied_at" TIMESTAMPTZ(3),
    "applied_by" UUID,
    CONSTRAINT "price_sync_runs_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "price_sync_runs_fetched_at_idx" ON "price_sync_runs"("fetched_at");

CREATE TABLE "price_changes" (
    "id" BIGSERIAL NOT NULL,
    "mapping_id" INTEGER NOT NULL,
    "input_price" BIGINT NOT NULL,
    "cached_input_price" BIGINT NOT NULL,
    "cache_write_price" BIGINT,
    "output_price" BIGINT NOT NULL,
    "effective_from" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    -- price_sync (approved), price_sync_auto (within the threshold), or admin (the model's page).
    "source" TEXT NOT NULL,
    "sync_run_id" UUID,
    "actor_id" UUID,
    CONSTRAINT "price_changes_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "price_changes_mapping_id_effective_from_idx" ON "price_changes"("mapping_id", "effective_from");
ALTER TABLE "price_changes" ADD CONSTRAINT "price_changes_mapping_id_fkey" FOREIGN KEY ("mapping_id") REFERENCES "model_provider_mappings"("id") ON DELETE CASCADE ON UPDATE CASCADE;
