-- AlterTable
ALTER TABLE "providers" ADD COLUMN     "answer_timeout_seconds" INTEGER,
ADD COLUMN     "chunk_timeout_seconds" INTEGER,
ADD COLUMN     "first_byte_timeout_seconds" INTEGER;
