-- Each request's failed provider calls before the one that served (issue #12: the
-- request page shows its fallbacks); null for the common case, the first call answering.

-- AlterTable
ALTER TABLE "conversations" ADD COLUMN     "fallbacks" JSONB;
