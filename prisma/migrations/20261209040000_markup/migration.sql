-- Sell price and cost (ADR 069): a markup on a provider's prices, per provider or per
-- model (the model's wins), in hundredths of a percent and/or µcr per 1M tokens. The
-- routes' prices stay the providers'; a usage row records what the provider cost beside
-- what was charged.
ALTER TABLE "providers" ADD COLUMN "markup_basis_points" INTEGER;
ALTER TABLE "providers" ADD COLUMN "markup_per_million" BIGINT;
ALTER TABLE "models" ADD COLUMN "markup_basis_points" INTEGER;
ALTER TABLE "models" ADD COLUMN "markup_per_million" BIGINT;
ALTER TABLE "conversations" ADD COLUMN "provider_cost" BIGINT;
