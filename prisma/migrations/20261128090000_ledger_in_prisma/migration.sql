-- Reserve, settle and the hold sweeper now run as Prisma interactive
-- transactions in app/billing/ledger.server.ts, with the decisions in
-- TypeScript: the PL/pgSQL functions that did it are gone.
-- See docs/decisions/010-ledger-in-prisma-transactions.md.

DROP FUNCTION gateway_release_expired_holds();
DROP FUNCTION gateway_settle(TEXT, UUID, UUID, BIGINT);
DROP FUNCTION gateway_reserve(UUID, UUID, TEXT, TIMESTAMPTZ, BIGINT, BIGINT, INTEGER, INTEGER);
DROP FUNCTION gateway_affordable_tokens(BIGINT, BIGINT, BIGINT, INTEGER);
