import type pg from "pg";
import { usdToMicro } from "../utils/money.ts";
import { BUILT_IN_PROVIDERS } from "../providers/provider-kinds.ts";
import { CATALOG, COMPANIES, type CatalogEntry } from "./catalog-data.ts";

/**
 * "sync" makes the catalog match catalog-data.ts: adds what is missing and
 * resets names, limits and prices to the list values (`npm run db:seed`).
 * "insert-missing" only adds what is missing, so prices an admin edited in the
 * dashboard survive a restart (what the server runs at start).
 * Neither ever duplicates a row, deletes one, or touches `enabled`/`priority`.
 */
export type SeedMode = "sync" | "insert-missing";

export interface SeedResult {
  inserted: number;
  updated: number;
}

export async function seedCatalog(db: pg.Pool, mode: SeedMode): Promise<SeedResult> {
  const client = await db.connect();
  const result: SeedResult = { inserted: 0, updated: 0 };
  const onConflict = (target: string, updates: string) =>
    mode === "sync"
      ? `ON CONFLICT (${target}) DO UPDATE SET ${updates}`
      : `ON CONFLICT (${target}) DO NOTHING`;
  const upsert = async (sql: string, values: unknown[]) => {
    // xmax = 0 only on a freshly inserted row version.
    const { rows } = await client.query<{ inserted: boolean }>(
      `${sql} RETURNING (xmax = 0) AS inserted`,
      values,
    );
    for (const row of rows) result[row.inserted ? "inserted" : "updated"]++;
  };
  try {
    await client.query("BEGIN");
    for (const company of COMPANIES) {
      await upsert(
        `INSERT INTO companies (slug, name, website) VALUES ($1, $2, $3)
         ${onConflict("slug", "name = EXCLUDED.name, website = EXCLUDED.website")}`,
        [company.slug, company.name, company.website],
      );
    }
    // The built-in providers (their kinds' descriptors), which the shipped catalog's offers name.
    for (const provider of BUILT_IN_PROVIDERS) {
      await upsert(
        `INSERT INTO providers (slug, name, kind) VALUES ($1, $2, $3) ${onConflict("slug", "name = EXCLUDED.name")}`,
        [provider.slug, provider.name, provider.kind],
      );
    }
    for (const model of CATALOG) {
      await upsert(
        `INSERT INTO models (slug, name, company_id, context_length, max_output_tokens)
         VALUES ($1, $2, (SELECT id FROM companies WHERE slug = $3), $4, $5)
         ${onConflict(
           "slug",
           `name = EXCLUDED.name, company_id = EXCLUDED.company_id,
            context_length = EXCLUDED.context_length, max_output_tokens = EXCLUDED.max_output_tokens`,
         )}`,
        [model.slug, model.name, model.company, model.contextLength, model.maxOutputTokens],
      );
      for (const offer of model.offers) {
        const price = offer.usdPerMillionTokens;
        await upsert(
          `INSERT INTO model_provider_mappings
             (model_id, provider_id, upstream_model, input_price, cached_input_price,
              cache_write_price, output_price, priority, media_prices)
           VALUES ((SELECT id FROM models WHERE slug = $1), (SELECT id FROM providers WHERE slug = $2),
                   $3, $4, $5, $6, $7, $8, $9)
           ${onConflict(
             "model_id, provider_id",
             `upstream_model = EXCLUDED.upstream_model, input_price = EXCLUDED.input_price,
              cached_input_price = EXCLUDED.cached_input_price,
              cache_write_price = EXCLUDED.cache_write_price,
              output_price = EXCLUDED.output_price, media_prices = EXCLUDED.media_prices,
              updated_at = now()`,
           )}`,
          [
            model.slug,
            offer.provider,
            offer.upstreamModel,
            usdToMicro(price.input),
            usdToMicro(price.cachedInput),
            price.cacheWrite === undefined ? null : usdToMicro(price.cacheWrite),
            usdToMicro(price.output),
            offer.priority ?? 0,
            mediaPricesColumn(offer),
          ],
        );
      }
    }
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/** A media offer's prices as the mapping's media_prices: µcr as strings (ADR 072); null for tokens. */
function mediaPricesColumn(offer: CatalogEntry["offers"][number]) {
  const prices = {
    ...(offer.usdPerImage
      ? {
          image: Object.fromEntries(
            Object.entries(offer.usdPerImage).map(([variant, usd]) => [
              variant,
              String(usdToMicro(usd)),
            ]),
          ),
        }
      : {}),
    ...(offer.usdPerMillionCharacters
      ? { character: String(usdToMicro(offer.usdPerMillionCharacters)) }
      : {}),
    ...(offer.usdPerMinute ? { minute: String(usdToMicro(offer.usdPerMinute)) } : {}),
    ...Object.fromEntries(
      Object.entries(offer.usdPerMillionModalityTokens ?? {}).map(([modality, usd]) => [
        modality,
        String(usdToMicro(usd)),
      ]),
    ),
  };
  return Object.keys(prices).length ? JSON.stringify(prices) : null;
}
