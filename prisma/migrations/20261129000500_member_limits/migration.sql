-- A team member's optional monthly credit limit (issue #12, ADR 030): the ledger keeps
-- each member's month and open holds beside the account's and the key's.

-- AlterTable
ALTER TABLE "team_members" ADD COLUMN     "month_spent" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN     "month_start" TIMESTAMPTZ(3),
ADD COLUMN     "monthly_limit" BIGINT,
ADD COLUMN     "reserved" BIGINT NOT NULL DEFAULT 0;
