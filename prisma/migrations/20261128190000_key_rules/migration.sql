-- Rules per gateway key (issue #10, ADR 026): expiry, a model allowlist, and
-- requests/tokens per minute counted across instances in rate_windows.

-- AlterTable
ALTER TABLE "api_keys" ADD COLUMN     "allowed_models" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "expires_at" TIMESTAMPTZ(3),
ADD COLUMN     "rpm_limit" INTEGER,
ADD COLUMN     "tpm_limit" INTEGER;

-- CreateTable
CREATE TABLE "rate_windows" (
    "api_key_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "window_start" TIMESTAMPTZ(3) NOT NULL,
    "used" INTEGER NOT NULL,

    CONSTRAINT "rate_windows_pkey" PRIMARY KEY ("api_key_id","kind","window_start")
);

-- CreateIndex
CREATE INDEX "rate_windows_window_start_idx" ON "rate_windows"("window_start");

-- AddForeignKey
ALTER TABLE "rate_windows" ADD CONSTRAINT "rate_windows_api_key_id_fkey" FOREIGN KEY ("api_key_id") REFERENCES "api_keys"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- A key's rules are cached with it: changing them must reach every instance too.
DROP TRIGGER api_keys_notify_change ON api_keys;
CREATE TRIGGER api_keys_notify_change
  AFTER UPDATE OF enabled, deleted_at, secret_hash, user_id, expires_at, allowed_models, rpm_limit, tpm_limit
  ON api_keys
  FOR EACH ROW
  WHEN (OLD.enabled IS DISTINCT FROM NEW.enabled OR OLD.deleted_at IS DISTINCT FROM NEW.deleted_at
        OR OLD.secret_hash IS DISTINCT FROM NEW.secret_hash OR OLD.user_id IS DISTINCT FROM NEW.user_id
        OR OLD.expires_at IS DISTINCT FROM NEW.expires_at
        OR OLD.allowed_models IS DISTINCT FROM NEW.allowed_models
        OR OLD.rpm_limit IS DISTINCT FROM NEW.rpm_limit OR OLD.tpm_limit IS DISTINCT FROM NEW.tpm_limit)
  EXECUTE FUNCTION gateway_notify_api_key_changed();
