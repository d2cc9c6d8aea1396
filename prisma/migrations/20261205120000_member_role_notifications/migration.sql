-- A team key spends only while the member who made it may (issue #21, ADR 033):
-- a viewer's keys, or those of someone no longer in the team, are refused. The
-- gateway caches each key with its maker's role, so a role given, changed or
-- taken away must reach every instance like a disabled key does: through the
-- keys' channel, once per key that member made in the team.

-- The role of a key's maker in the key's account (NULL: a personal key, or a
-- maker no longer in the team). A PL/pgSQL function because PostgreSQL plans
-- its query once per connection: the same lookup as a join is planned on every
-- cache miss, and measured slower than the key's lookup alone was.
CREATE FUNCTION gateway_key_creator_role(account UUID, creator UUID) RETURNS TEXT
  LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN (SELECT role::TEXT FROM team_members WHERE team_id = account AND user_id = creator);
END
$$;

CREATE FUNCTION gateway_notify_member_keys_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  member team_members;
BEGIN
  IF TG_OP = 'DELETE' THEN member := OLD; ELSE member := NEW; END IF;
  PERFORM pg_notify('gateway_api_key_changed', secret_hash) FROM api_keys
    WHERE user_id = member.team_id AND created_by = member.user_id AND deleted_at IS NULL;
  RETURN NULL;
END
$$;

-- Only a change of role: the ledger's updates of a member's month and holds do not fire it.
CREATE TRIGGER team_members_notify_role_change
  AFTER UPDATE OF role ON team_members
  FOR EACH ROW
  WHEN (OLD.role IS DISTINCT FROM NEW.role)
  EXECUTE FUNCTION gateway_notify_member_keys_changed();

CREATE TRIGGER team_members_notify_join_or_leave
  AFTER INSERT OR DELETE ON team_members
  FOR EACH ROW EXECUTE FUNCTION gateway_notify_member_keys_changed();
