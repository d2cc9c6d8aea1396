-- A charge is capped at the request's hold when the provider reports more usage
-- than the request was granted; such rows keep the reported counts and say so.
ALTER TYPE "UsageSource" ADD VALUE 'CAPPED';
