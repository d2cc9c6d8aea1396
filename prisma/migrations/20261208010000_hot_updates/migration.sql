-- The ledger updates its rows of users, api_keys, credit_holds, team_members and
-- usage_days in every batch (ADR 065). An update that finds room on its row's page,
-- and changes no indexed column, is a HOT update: no new entry in any index. With full
-- pages nearly none were (2 % of api_keys' updates in the ledger bench), so each update
-- added an entry to every index of its table. Pages now keep room for the next versions
-- (existing pages get it as they are rewritten), and credit_holds loses its index on
-- expires_at, which every batch renews: the sweeper reads the table whole, a few pages.
ALTER TABLE "users" SET (fillfactor = 50);
ALTER TABLE "api_keys" SET (fillfactor = 50);
ALTER TABLE "credit_holds" SET (fillfactor = 50);
ALTER TABLE "team_members" SET (fillfactor = 50);
ALTER TABLE "usage_days" SET (fillfactor = 70);

-- DropIndex
DROP INDEX "credit_holds_expires_at_idx";
