-- Every gateway instance caches API keys and the catalog in memory and drops
-- entries when these notifications arrive (LISTEN), so that disabling a key or
-- changing a price takes effect everywhere within a second, whoever changed it.

CREATE FUNCTION gateway_notify_api_key_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('gateway_api_key_changed', OLD.secret_hash);
  RETURN NULL;
END
$$;

CREATE TRIGGER api_keys_notify_change
  AFTER UPDATE OF enabled, deleted_at, secret_hash, user_id ON api_keys
  FOR EACH ROW
  WHEN (OLD.enabled IS DISTINCT FROM NEW.enabled OR OLD.deleted_at IS DISTINCT FROM NEW.deleted_at
        OR OLD.secret_hash IS DISTINCT FROM NEW.secret_hash OR OLD.user_id IS DISTINCT FROM NEW.user_id)
  EXECUTE FUNCTION gateway_notify_api_key_changed();

CREATE TRIGGER api_keys_notify_delete
  AFTER DELETE ON api_keys
  FOR EACH ROW EXECUTE FUNCTION gateway_notify_api_key_changed();

CREATE FUNCTION gateway_notify_catalog_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('gateway_catalog_changed', TG_TABLE_NAME);
  RETURN NULL;
END
$$;

CREATE TRIGGER models_notify_change AFTER INSERT OR UPDATE OR DELETE ON models
  FOR EACH STATEMENT EXECUTE FUNCTION gateway_notify_catalog_changed();
CREATE TRIGGER providers_notify_change AFTER INSERT OR UPDATE OR DELETE ON providers
  FOR EACH STATEMENT EXECUTE FUNCTION gateway_notify_catalog_changed();
CREATE TRIGGER model_provider_mappings_notify_change AFTER INSERT OR UPDATE OR DELETE ON model_provider_mappings
  FOR EACH STATEMENT EXECUTE FUNCTION gateway_notify_catalog_changed();
