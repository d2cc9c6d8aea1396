-- The dashboard's playground (ADR 070): its own API key per person and account (the secret
-- sealed, so the dashboard can call the gateway with it), and each person's conversations.
ALTER TABLE "api_keys" ADD COLUMN "playground_secret" TEXT;

CREATE TABLE "playground_chats" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "user_id" UUID NOT NULL,
    "account_id" UUID NOT NULL,
    "title" TEXT NOT NULL,
    "models" TEXT[],
    "settings" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "playground_chats_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "playground_chats_user_id_account_id_updated_at_idx"
    ON "playground_chats"("user_id", "account_id", "updated_at" DESC);
ALTER TABLE "playground_chats" ADD CONSTRAINT "playground_chats_user_id_fkey"
    FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "playground_chats" ADD CONSTRAINT "playground_chats_account_id_fkey"
    FOREIGN KEY ("account_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "playground_messages" (
    "id" BIGSERIAL NOT NULL,
    "chat_id" UUID NOT NULL,
    "turn" INTEGER NOT NULL,
    "model" TEXT,
    "content" TEXT NOT NULL,
    "images" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "tool_calls" JSONB,
    "request_id" TEXT,
    "error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "playground_messages_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "playground_messages_chat_id_turn_model_key"
    ON "playground_messages"("chat_id", "turn", "model");
ALTER TABLE "playground_messages" ADD CONSTRAINT "playground_messages_chat_id_fkey"
    FOREIGN KEY ("chat_id") REFERENCES "playground_chats"("id") ON DELETE CASCADE ON UPDATE CASCADE;
