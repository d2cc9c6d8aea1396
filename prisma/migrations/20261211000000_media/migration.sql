-- Media models (ADR 072): a route's prices per unit (images by size and quality), a usage row's
-- unit, count and unit price, and the images answered by URL, kept until they expire.
ALTER TABLE "model_provider_mappings" ADD COLUMN "media_prices" JSONB;
ALTER TABLE "conversations" ADD COLUMN "unit" TEXT;
ALTER TABLE "conversations" ADD COLUMN "units" INTEGER;
ALTER TABLE "conversations" ADD COLUMN "unit_price" BIGINT;

CREATE TABLE "generated_images" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "account_id" UUID NOT NULL,
    "request_id" TEXT NOT NULL,
    "mime_type" TEXT NOT NULL,
    "bytes" BYTEA NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "generated_images_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "generated_images_expires_at_idx" ON "generated_images"("expires_at");
ALTER TABLE "generated_images" ADD CONSTRAINT "generated_images_account_id_fkey"
    FOREIGN KEY ("account_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
