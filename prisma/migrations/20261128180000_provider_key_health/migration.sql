-- A key a provider rate-limited cools down, one it refused is marked invalid: on every
-- instance, through the notification on provider_keys (ADR 025).

-- AlterTable
ALTER TABLE "provider_keys" ADD COLUMN     "cooling_until" TIMESTAMPTZ(3),
ADD COLUMN     "invalid_at" TIMESTAMPTZ(3),
ADD COLUMN     "last_error" TEXT;
