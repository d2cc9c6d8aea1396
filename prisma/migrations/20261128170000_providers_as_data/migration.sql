-- Providers as data (issue #10, ADR 025): a provider row says which protocol it
-- speaks and where; its upstream keys are rows of their own, encrypted at rest.

-- AlterTable
ALTER TABLE "providers" ADD COLUMN     "base_url" TEXT,
ADD COLUMN     "enabled" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "kind" TEXT NOT NULL DEFAULT 'openai-compatible',
ADD COLUMN     "stream_usage" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- CreateTable
CREATE TABLE "provider_keys" (
    "id" SERIAL NOT NULL,
    "provider_id" INTEGER NOT NULL,
    "secret" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "env_name" TEXT,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "provider_keys_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "provider_keys_provider_id_idx" ON "provider_keys"("provider_id");

-- CreateIndex
CREATE UNIQUE INDEX "provider_keys_provider_id_env_name_key" ON "provider_keys"("provider_id", "env_name");

-- AddForeignKey
ALTER TABLE "provider_keys" ADD CONSTRAINT "provider_keys_provider_id_fkey" FOREIGN KEY ("provider_id") REFERENCES "providers"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The three built-in providers speak their own protocols.
UPDATE "providers" SET "kind" = "slug" WHERE "slug" IN ('openai', 'anthropic', 'google');

-- A key added, disabled or removed takes effect on every instance within a second,
-- like a price change (see 20261127110000_change_notifications).
CREATE TRIGGER provider_keys_notify_change AFTER INSERT OR UPDATE OR DELETE ON provider_keys
  FOR EACH STATEMENT EXECUTE FUNCTION gateway_notify_catalog_changed();
