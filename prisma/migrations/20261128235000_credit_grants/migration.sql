-- Credits an admin grants (issue #11): who granted them and why, on the credit row.

-- AlterTable
ALTER TABLE "onramp_transactions" ADD COLUMN     "granted_by" UUID,
ADD COLUMN     "note" TEXT;
