-- The usage log added up per UTC day (ADR 060): the ledger's batch statement
-- adds each usage row it writes to its day in the same statement, so the
-- dashboard's charts and totals read a few hundred rows, not millions, and
-- old usage rows can be removed without losing what was charged.
-- CreateTable
CREATE TABLE "usage_days" (
    "user_id" UUID NOT NULL,
    "day" DATE NOT NULL,
    "api_key_id" UUID NOT NULL,
    "model_slug" TEXT NOT NULL,
    "byok" BOOLEAN NOT NULL,
    "requests" BIGINT NOT NULL,
    "errors" BIGINT NOT NULL,
    "cost" BIGINT NOT NULL,
    "input_tokens" BIGINT NOT NULL,
    "output_tokens" BIGINT NOT NULL,
    "latency_ms_sum" BIGINT NOT NULL,
    "first_token_ms_sum" BIGINT NOT NULL,
    "first_token_count" BIGINT NOT NULL,

    CONSTRAINT "usage_days_pkey" PRIMARY KEY ("user_id","day","api_key_id","model_slug","byok")
);

-- CreateIndex
CREATE INDEX "usage_days_api_key_id_day_idx" ON "usage_days"("api_key_id", "day");

-- AddForeignKey
ALTER TABLE "usage_days" ADD CONSTRAINT "usage_days_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "usage_days" ADD CONSTRAINT "usage_days_api_key_id_fkey" FOREIGN KEY ("api_key_id") REFERENCES "api_keys"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- What the usage log holds so far, added up the same way.
INSERT INTO "usage_days" ("user_id", "day", "api_key_id", "model_slug", "byok", "requests", "errors",
  "cost", "input_tokens", "output_tokens", "latency_ms_sum", "first_token_ms_sum", "first_token_count")
SELECT "user_id", ("created_at" AT TIME ZONE 'UTC')::date, "api_key_id", "model_slug", "byok",
  count(*), count(*) FILTER (WHERE "status" = 'ERROR'), sum("cost"), sum("input_tokens"),
  sum("output_tokens"), sum("latency_ms"), COALESCE(sum("time_to_first_token_ms"), 0),
  count("time_to_first_token_ms")
FROM "conversations"
GROUP BY 1, 2, 3, 4, 5;
