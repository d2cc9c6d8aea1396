-- Auto top-up (issue #11, ADR 028): a saved card charged off-session when a settle
-- leaves the balance under a threshold, one charge in flight per user.

-- AlterTable
ALTER TABLE "payments" ADD COLUMN     "auto" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "auto_topups" (
    "user_id" UUID NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT false,
    "threshold" BIGINT NOT NULL,
    "amount_cents" INTEGER NOT NULL,
    "customer_id" TEXT,
    "payment_method_id" TEXT,
    "in_flight_until" TIMESTAMPTZ(3),
    "failed_at" TIMESTAMPTZ(3),
    "last_error" TEXT,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "auto_topups_pkey" PRIMARY KEY ("user_id")
);

-- AddForeignKey
ALTER TABLE "auto_topups" ADD CONSTRAINT "auto_topups_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Instances keep the thresholds in memory: a change reaches them all within a second.
CREATE FUNCTION gateway_notify_auto_topups_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('gateway_auto_topups_changed', COALESCE(NEW.user_id, OLD.user_id)::text);
  RETURN NULL;
END
$$;

CREATE TRIGGER auto_topups_notify_change
  AFTER INSERT OR DELETE OR UPDATE OF enabled, threshold, payment_method_id ON auto_topups
  FOR EACH ROW EXECUTE FUNCTION gateway_notify_auto_topups_changed();
