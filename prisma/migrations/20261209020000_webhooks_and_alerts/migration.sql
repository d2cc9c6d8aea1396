-- Webhooks and spend alerts (ADR 068). An account's endpoints receive its events,
-- signed; every event is a row per endpoint, delivered by whichever instance claims
-- it, retried with backoff, and kept as the delivery log.
CREATE TABLE "webhook_endpoints" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "account_id" UUID NOT NULL,
    "url" TEXT NOT NULL,
    -- The signing secret, sealed with ENCRYPTION_KEY as the providers' keys are.
    "secret" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    -- Event types it receives; empty: all.
    "events" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "webhook_endpoints_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "webhook_endpoints_account_id_idx" ON "webhook_endpoints"("account_id");
ALTER TABLE "webhook_endpoints" ADD CONSTRAINT "webhook_endpoints_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "webhook_deliveries" (
    "id" BIGSERIAL NOT NULL,
    "endpoint_id" UUID NOT NULL,
    "event_id" UUID NOT NULL,
    "event" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    -- pending, delivered or failed (gave up).
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_status" INTEGER,
    "last_error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "delivered_at" TIMESTAMPTZ(3),
    CONSTRAINT "webhook_deliveries_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "webhook_deliveries_endpoint_id_created_at_idx" ON "webhook_deliveries"("endpoint_id", "created_at" DESC);
-- The deliverers' queue: what is still to send, by when.
CREATE INDEX "webhook_deliveries_status_next_attempt_at_idx" ON "webhook_deliveries"("status", "next_attempt_at");
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_endpoint_id_fkey" FOREIGN KEY ("endpoint_id") REFERENCES "webhook_endpoints"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Wakes the deliverers of every instance when an event is queued.
CREATE FUNCTION gateway_notify_webhook_queued() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('gateway_webhook_queued', '');
  RETURN NULL;
END
$$;
CREATE TRIGGER webhook_deliveries_notify_queued
  AFTER INSERT ON webhook_deliveries
  FOR EACH STATEMENT EXECUTE FUNCTION gateway_notify_webhook_queued();

CREATE TABLE "alert_rules" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "account_id" UUID NOT NULL,
    -- balance_below, daily_spend_over, key_limit_percent, member_limit_percent.
    "kind" TEXT NOT NULL,
    -- The key, or the member's user id, a *_percent rule watches.
    "subject_id" UUID,
    -- µcr for balance_below and daily_spend_over; a percent for the others.
    "threshold" BIGINT NOT NULL,
    "by_email" BOOLEAN NOT NULL DEFAULT true,
    -- balance_below fires when the balance crosses under its threshold and is armed again
    -- once the balance is back at or above it.
    "armed" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "alert_rules_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "alert_rules_account_id_idx" ON "alert_rules"("account_id");
ALTER TABLE "alert_rules" ADD CONSTRAINT "alert_rules_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- One row per rule and period it fired in: the claim that makes an alert fire once,
-- whichever instance sees the crossing first.
CREATE TABLE "alert_firings" (
    "rule_id" UUID NOT NULL,
    "period" TEXT NOT NULL,
    "fired_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "alert_firings_pkey" PRIMARY KEY ("rule_id", "period")
);
ALTER TABLE "alert_firings" ADD CONSTRAINT "alert_firings_rule_id_fkey" FOREIGN KEY ("rule_id") REFERENCES "alert_rules"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The alert watchers cache which accounts have rules: a change reaches every instance.
CREATE FUNCTION gateway_notify_alert_rules_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('gateway_alert_rules_changed', '');
  RETURN NULL;
END
$$;
CREATE TRIGGER alert_rules_notify_change
  AFTER INSERT OR DELETE ON alert_rules
  FOR EACH STATEMENT EXECUTE FUNCTION gateway_notify_alert_rules_changed();
