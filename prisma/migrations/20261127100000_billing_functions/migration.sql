-- Billing in the database, one round trip each, so that concurrent requests on
-- any number of gateway instances can never together spend more than a
-- balance or a key's limit. Every function locks rows in the same order
-- (hold, then user, then key) so that they cannot deadlock one another.
-- See docs/decisions/007-billing-holds.md.

-- Tokens a budget (µcr) buys after the input's cost, at p_price µcr per 1M output tokens.
CREATE FUNCTION gateway_affordable_tokens(p_budget BIGINT, p_input_cost BIGINT, p_price BIGINT, p_cap INTEGER)
RETURNS INTEGER LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
    WHEN p_budget IS NULL THEN p_cap
    WHEN p_budget < p_input_cost THEN 0
    WHEN p_price = 0 THEN p_cap
    ELSE least(p_cap, floor((p_budget - p_input_cost)::numeric * 1000000 / p_price))::integer
  END
$$;

-- Holds input cost + the output cap's cost against the user's spendable balance
-- (balance - reserved) and the key's remaining limit. Without a requested cap,
-- grants the most output tokens both can afford, up to the model's maximum.
-- outcome: 'ok', 'insufficient_credits' (the user's balance), 'key_limit', or
-- 'key_inactive' (disabled or deleted since the key was looked up).
CREATE FUNCTION gateway_reserve(
  p_user_id UUID,
  p_api_key_id UUID,
  p_request_id TEXT,
  p_expires_at TIMESTAMPTZ,
  p_input_cost BIGINT,
  p_output_price BIGINT,
  p_requested_tokens INTEGER,
  p_model_max_tokens INTEGER
) RETURNS TABLE (outcome TEXT, granted_tokens INTEGER, amount BIGINT, affordable_tokens INTEGER)
LANGUAGE plpgsql AS $$
DECLARE
  v_user_budget BIGINT;
  v_key_budget BIGINT;
  v_user_tokens INTEGER;
  v_key_tokens INTEGER;
  v_tokens INTEGER;
  v_amount BIGINT;
BEGIN
  SELECT u.balance - u.reserved INTO v_user_budget FROM users u WHERE u.id = p_user_id FOR UPDATE;
  IF NOT FOUND THEN
    RETURN QUERY SELECT 'insufficient_credits'::text, 0, 0::bigint, 0; RETURN;
  END IF;
  -- Checked here too, so a key disabled a moment ago cannot reserve even before caches hear of it.
  SELECT k.credit_limit - k.spent - k.reserved INTO v_key_budget FROM api_keys k
    WHERE k.id = p_api_key_id AND k.enabled AND k.deleted_at IS NULL FOR UPDATE;
  IF NOT FOUND THEN
    RETURN QUERY SELECT 'key_inactive'::text, 0, 0::bigint, 0; RETURN;
  END IF;
  v_user_tokens := gateway_affordable_tokens(v_user_budget, p_input_cost, p_output_price, p_model_max_tokens);
  v_key_tokens := gateway_affordable_tokens(v_key_budget, p_input_cost, p_output_price, p_model_max_tokens);

  IF p_requested_tokens IS NOT NULL THEN
    IF v_user_tokens < p_requested_tokens THEN
      RETURN QUERY SELECT 'insufficient_credits'::text, 0, 0::bigint, v_user_tokens; RETURN;
    ELSIF v_key_tokens < p_requested_tokens THEN
      RETURN QUERY SELECT 'key_limit'::text, 0, 0::bigint, v_key_tokens; RETURN;
    END IF;
    v_tokens := p_requested_tokens;
  ELSE
    IF v_user_tokens < 1 THEN
      RETURN QUERY SELECT 'insufficient_credits'::text, 0, 0::bigint, v_user_tokens; RETURN;
    ELSIF v_key_tokens < 1 THEN
      RETURN QUERY SELECT 'key_limit'::text, 0, 0::bigint, v_key_tokens; RETURN;
    END IF;
    v_tokens := least(v_user_tokens, v_key_tokens);
  END IF;

  -- ceil(tokens * price / 1e6), as in app/utils/money.ts
  v_amount := p_input_cost + ((v_tokens::bigint * p_output_price + 999999) / 1000000);
  UPDATE users SET reserved = reserved + v_amount WHERE id = p_user_id;
  UPDATE api_keys SET reserved = reserved + v_amount WHERE id = p_api_key_id;
  INSERT INTO credit_holds (user_id, api_key_id, amount, request_id, expires_at)
    VALUES (p_user_id, p_api_key_id, v_amount, p_request_id, p_expires_at);
  RETURN QUERY SELECT 'ok'::text, v_tokens, v_amount, v_tokens;
END
$$;

-- Releases a request's hold and charges its actual cost. Returns the amount the
-- hold had (0 when the sweeper already released it: the charge still happens).
CREATE FUNCTION gateway_settle(p_request_id TEXT, p_user_id UUID, p_api_key_id UUID, p_cost BIGINT)
RETURNS BIGINT LANGUAGE plpgsql AS $$
DECLARE
  v_held BIGINT;
BEGIN
  DELETE FROM credit_holds WHERE request_id = p_request_id RETURNING amount INTO v_held;
  v_held := coalesce(v_held, 0);
  UPDATE users SET balance = balance - p_cost, reserved = reserved - v_held WHERE id = p_user_id;
  UPDATE api_keys SET spent = spent + p_cost, reserved = reserved - v_held, last_used_at = now()
    WHERE id = p_api_key_id;
  RETURN v_held;
END
$$;

-- Releases holds whose request died with its process. Safe on every instance at once.
CREATE FUNCTION gateway_release_expired_holds() RETURNS INTEGER LANGUAGE plpgsql AS $$
DECLARE
  v_hold RECORD;
  v_count INTEGER := 0;
BEGIN
  FOR v_hold IN
    SELECT id, user_id, api_key_id, amount FROM credit_holds
    WHERE expires_at < now() ORDER BY id FOR UPDATE SKIP LOCKED
  LOOP
    UPDATE users SET reserved = reserved - v_hold.amount WHERE id = v_hold.user_id;
    UPDATE api_keys SET reserved = reserved - v_hold.amount WHERE id = v_hold.api_key_id;
    DELETE FROM credit_holds WHERE id = v_hold.id;
    v_count := v_count + 1;
  END LOOP;
  RETURN v_count;
END
$$;
