-- Guardrails per key and per team (ADR 067): which providers may serve, max tokens,
-- max price, content rules. JSON, validated where it is written; a team key obeys both.
ALTER TABLE "api_keys" ADD COLUMN "guardrails" JSONB;
ALTER TABLE "teams" ADD COLUMN "guardrails" JSONB;

-- How many matches a redact rule replaced in the request (never what they were).
ALTER TABLE "conversations" ADD COLUMN "redactions" INTEGER;

-- The gateway caches each key with its team's guardrails: read by a PL/pgSQL function,
-- whose plan PostgreSQL keeps, as the maker's role is (ADR 033).
CREATE FUNCTION gateway_team_guardrails(account UUID) RETURNS JSONB
  LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN (SELECT guardrails FROM teams WHERE account_id = account);
END
$$;

-- A key's guardrails changed: its cached copy goes, on every instance.
DROP TRIGGER api_keys_notify_change ON api_keys;
CREATE TRIGGER api_keys_notify_change
  AFTER UPDATE OF enabled, deleted_at, secret_hash, user_id, expires_at, allowed_models, rpm_limit,
    tpm_limit, log_content, credit_limit, period_limit, limit_period, cache_ttl_seconds, guardrails
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
        OR OLD.limit_period IS DISTINCT FROM NEW.limit_period
        OR OLD.cache_ttl_seconds IS DISTINCT FROM NEW.cache_ttl_seconds
        OR OLD.guardrails IS DISTINCT FROM NEW.guardrails)
  EXECUTE FUNCTION gateway_notify_api_key_changed();

-- A team's guardrails changed: every key of the team goes from the caches.
CREATE FUNCTION gateway_notify_team_keys_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('gateway_api_key_changed', secret_hash) FROM api_keys
    WHERE user_id = NEW.account_id AND deleted_at IS NULL;
  RETURN NULL;
END
$$;

CREATE TRIGGER teams_notify_guardrails_change
  AFTER UPDATE OF guardrails ON teams
  FOR EACH ROW
  WHEN (OLD.guardrails IS DISTINCT FROM NEW.guardrails)
  EXECUTE FUNCTION gateway_notify_team_keys_changed();
