-- Every column a running gateway caches or checks for a key notifies its change
-- (issue #21): content logging (cached with the key: switching it off must stop
-- storing prompts on every instance) and the credit limits (a limit lowered
-- below what the key spent ends its running requests, ADR 037).
DROP TRIGGER api_keys_notify_change ON api_keys;
CREATE TRIGGER api_keys_notify_change
  AFTER UPDATE OF enabled, deleted_at, secret_hash, user_id, expires_at, allowed_models, rpm_limit,
    tpm_limit, log_content, credit_limit, period_limit, limit_period
  ON api_keys
  FOR EACH ROW
  WHEN (OLD.enabled IS DISTINCT FROM NEW.enabled OR OLD.deleted_at IS DISTINCT FROM NEW.deleted_at
        OR OLD.secret_hash IS DISTINCT FROM NEW.secret_hash OR OLD.user_id IS DISTINCT FROM NEW.user_id
        OR OLD.expires_at IS DISTINCT FROM NEW.expires_at
        OR OLD.allowed_models IS DISTINCT FROM NEW.allowed_models
        OR OLD.rpm_limit IS DISTINCT FROM NEW.rpm_limit OR OLD.tpm_limit IS DISTINCT FROM NEW.tpm_limit
        OR OLD.log_content IS DISTINCT FROM NEW.log_content
        OR OLD.credit_limit IS DISTINCT FROM NEW.credit_limit
        OR OLD.period_limit IS DISTINCT FROM NEW.period_limit
        OR OLD.limit_period IS DISTINCT FROM NEW.limit_period)
  EXECUTE FUNCTION gateway_notify_api_key_changed();
