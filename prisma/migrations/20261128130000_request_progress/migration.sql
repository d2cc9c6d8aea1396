-- Requests that run long record their progress about every second, so that when
-- their gateway process dies another instance can charge what was produced
-- (docs/decisions/015-interrupted-requests.md).
ALTER TYPE "ConversationStatus" ADD VALUE 'INTERRUPTED';

CREATE TABLE "request_progress" (
    "request_id" TEXT NOT NULL,
    "instance_id" TEXT NOT NULL,
    "hold_id" TEXT,
    "conversation" JSONB NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "request_progress_pkey" PRIMARY KEY ("request_id")
);

CREATE INDEX "request_progress_instance_id_idx" ON "request_progress"("instance_id");
