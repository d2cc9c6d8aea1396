-- Bring your own key (issue #10, ADR 027): a user's own sealed key per provider,
-- and usage rows that say they were served with one.

-- AlterTable
ALTER TABLE "conversations" ADD COLUMN     "byok" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "user_provider_keys" (
    "id" SERIAL NOT NULL,
    "user_id" UUID NOT NULL,
    "provider_id" INTEGER NOT NULL,
    "secret" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "fallback" BOOLEAN NOT NULL DEFAULT false,
    "invalid_at" TIMESTAMPTZ(3),
    "last_error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "user_provider_keys_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "user_provider_keys_provider_id_idx" ON "user_provider_keys"("provider_id");

-- CreateIndex
CREATE UNIQUE INDEX "user_provider_keys_user_id_provider_id_key" ON "user_provider_keys"("user_id", "provider_id");

-- AddForeignKey
ALTER TABLE "user_provider_keys" ADD CONSTRAINT "user_provider_keys_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "user_provider_keys" ADD CONSTRAINT "user_provider_keys_provider_id_fkey" FOREIGN KEY ("provider_id") REFERENCES "providers"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Instances cache each user's own keys: any change reaches them all within a second.
CREATE FUNCTION gateway_notify_user_keys_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('gateway_user_keys_changed', COALESCE(NEW.user_id, OLD.user_id)::text);
  RETURN NULL;
END
$$;

CREATE TRIGGER user_provider_keys_notify_change AFTER INSERT OR UPDATE OR DELETE ON user_provider_keys
  FOR EACH ROW EXECUTE FUNCTION gateway_notify_user_keys_changed();
