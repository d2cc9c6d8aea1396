-- Reserve, settle and the hold sweeper now run as Prisma interactive
-- transactions in app/billing/ledger.server.ts, with the decisions in
-- TypeScript: the PL/pgSQL functions that did it are gone.
-- A hold now belongs to a gateway instance and an API key, and serves all the
-- instance's requests of that key. Holds written by earlier versions (one per
-- request) become holds of an instance called 'legacy', released at expiry.
-- See docs/decisions/010-ledger-in-prisma-transactions.md.

DROP FUNCTION gateway_release_expired_holds();
DROP FUNCTION gateway_settle(TEXT, UUID, UUID, BIGINT);
DROP FUNCTION gateway_reserve(UUID, UUID, TEXT, TIMESTAMPTZ, BIGINT, BIGINT, INTEGER, INTEGER);
DROP FUNCTION gateway_affordable_tokens(BIGINT, BIGINT, BIGINT, INTEGER);

ALTER TABLE "credit_holds" DROP CONSTRAINT "credit_holds_pkey";
DROP INDEX "credit_holds_request_id_key";
ALTER TABLE "credit_holds" DROP COLUMN "id";
ALTER TABLE "credit_holds" RENAME COLUMN "request_id" TO "id";
ALTER TABLE "credit_holds" ADD COLUMN "instance_id" TEXT NOT NULL DEFAULT 'legacy';
ALTER TABLE "credit_holds" ALTER COLUMN "instance_id" DROP DEFAULT;
ALTER TABLE "credit_holds" ADD CONSTRAINT "credit_holds_pkey" PRIMARY KEY ("id");
