-- Content logging, opt-in per key (and for all keys with LOG_CONTENT): the usage
-- row keeps the prompt and the answer until CONTENT_RETENTION_DAYS have passed.
ALTER TABLE "api_keys" ADD COLUMN "log_content" BOOLEAN NOT NULL DEFAULT false;

-- Instances cache keys with this flag: a change must reach them like the others.
DROP TRIGGER api_keys_notify_change ON api_keys;
CREATE TRIGGER api_keys_notify_change
  AFTER UPDATE OF enabled, deleted_at, secret_hash, user_id, log_content ON api_keys
  FOR EACH ROW
  WHEN (OLD.enabled IS DISTINCT FROM NEW.enabled OR OLD.deleted_at IS DISTINCT FROM NEW.deleted_at
        OR OLD.secret_hash IS DISTINCT FROM NEW.secret_hash OR OLD.user_id IS DISTINCT FROM NEW.user_id
        OR OLD.log_content IS DISTINCT FROM NEW.log_content)
  EXECUTE FUNCTION gateway_notify_api_key_changed();
