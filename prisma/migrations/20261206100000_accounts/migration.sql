-- Accounts (issue #23, ADR 044): a user an admin disabled, sessions one can
-- tell apart and revoke, and password reset links stored as hashes.

-- AlterTable
ALTER TABLE "users" ADD COLUMN     "disabled_at" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "sessions" ADD COLUMN     "ip" TEXT,
ADD COLUMN     "last_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
ADD COLUMN     "user_agent" TEXT;

-- CreateTable
CREATE TABLE "password_reset_tokens" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "user_id" UUID NOT NULL,
    "token_hash" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "used_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "password_reset_tokens_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "password_reset_tokens_token_hash_key" ON "password_reset_tokens"("token_hash");

-- CreateIndex
CREATE INDEX "password_reset_tokens_user_id_created_at_idx" ON "password_reset_tokens"("user_id", "created_at");

-- AddForeignKey
ALTER TABLE "password_reset_tokens" ADD CONSTRAINT "password_reset_tokens_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- A disabled user's keys are refused: personal ones and those they made in a
-- team. The gateway caches keys, so disabling (or enabling) a user notifies
-- each such key's channel, as disabling the key itself does.
CREATE FUNCTION gateway_notify_disabled_user_keys() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('gateway_api_key_changed', secret_hash) FROM api_keys
    WHERE (user_id = NEW.id OR created_by = NEW.id) AND deleted_at IS NULL;
  RETURN NULL;
END
$$;

CREATE TRIGGER users_notify_disabled_change
  AFTER UPDATE OF disabled_at ON users
  FOR EACH ROW
  WHEN (OLD.disabled_at IS DISTINCT FROM NEW.disabled_at)
  EXECUTE FUNCTION gateway_notify_disabled_user_keys();

-- Whether a key's maker is disabled, for the key lookup on a cache miss. A
-- PL/pgSQL function like gateway_key_creator_role: its plan is kept per
-- connection, where a join would be planned on every miss.
CREATE FUNCTION gateway_user_disabled(person UUID) RETURNS BOOLEAN
  LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN COALESCE((SELECT disabled_at IS NOT NULL FROM users WHERE id = person), false);
END
$$;
