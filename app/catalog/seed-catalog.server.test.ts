import { describe, expect, test } from "vitest";
import { setupTestDatabase } from "#tests/support/database.ts";
import { usdToMicro } from "../utils/money.ts";
import { CATALOG } from "./catalog-data.ts";
import { seedCatalog } from "./seed-catalog.server.ts";

const db = setupTestDatabase();

async function counts() {
  const { rows } = await db.pool.query(`
    SELECT (SELECT count(*) FROM companies)::int AS companies,
           (SELECT count(*) FROM providers)::int AS providers,
           (SELECT count(*) FROM models)::int AS models,
           (SELECT count(*) FROM model_provider_mappings)::int AS mappings`);
  return rows[0];
}

async function mapping(slug: string) {
  const { rows } = await db.pool.query(
    `SELECT mpm.*, p.slug AS provider FROM model_provider_mappings mpm
     JOIN models m ON m.id = mpm.model_id JOIN providers p ON p.id = mpm.provider_id
     WHERE m.slug = $1`,
    [slug],
  );
  return rows[0];
}

describe("catalog data", () => {
  test("has at least four models from each provider, each with a positive price and sane limits", () => {
    for (const provider of ["openai", "anthropic", "google"]) {
      expect(CATALOG.filter((model) => model.company === provider).length).toBeGreaterThanOrEqual(
        4,
      );
    }
    for (const model of CATALOG) {
      expect(model.maxOutputTokens).toBeLessThanOrEqual(model.contextLength);
      for (const offer of model.offers) {
        const price = offer.usdPerMillionTokens;
        // A media model (ADR 072) is priced per image, character or minute, not only by tokens.
        const media = [
          offer.usdPerImage && Object.values(offer.usdPerImage),
          offer.usdPerMillionCharacters,
          offer.usdPerMinute,
        ]
          .flat()
          .filter((usd): usd is string => usd !== undefined && usd !== null && usd !== "");
        for (const usd of media) expect(usdToMicro(usd)).toBeGreaterThan(0n);
        // A modality's tokens cost more than text's on their side (audio in; images out), except a
        // speech model's, whose output is all audio at the audio price (ADR 075).
        const modalities = Object.entries(offer.usdPerMillionModalityTokens ?? {});
        const speech = modalities.some(([modality]) => modality === "audio_output_token");
        for (const [modality, usd] of modalities)
          if (speech) expect(usdToMicro(usd)).toBe(usdToMicro(price.output));
          else
            expect(usdToMicro(usd)).toBeGreaterThan(
              usdToMicro(modality === "audio_input_token" ? price.input : price.output),
            );
        // A media model only (no chat) answers no tokens.
        if (media.length && model.maxOutputTokens === 0) continue;
        // A transcription or speech model priced by tokens (ADR 074, 075): text in and out, no
        // cache discount.
        if (model.maxOutputTokens === 0) {
          expect(modalities).toHaveLength(1);
          expect(usdToMicro(price.output)).toBeGreaterThan(usdToMicro(price.input));
          expect(price.cachedInput).toBe(price.input);
          continue;
        }
        expect(usdToMicro(price.input)).toBeGreaterThan(0n);
        if (model.embedding) {
          expect(usdToMicro(price.output)).toBe(0n);
          expect(price.cachedInput).toBe(price.input);
          continue;
        }
        expect(usdToMicro(price.output)).toBeGreaterThan(usdToMicro(price.input) - 1n);
        expect(usdToMicro(price.cachedInput)).toBeLessThan(usdToMicro(price.input));
      }
    }
    expect(new Set(CATALOG.map((model) => model.slug)).size).toBe(CATALOG.length);
  });
});

describe("seedCatalog", () => {
  test("fills an empty catalog with exact µcr prices", async () => {
    const result = await seedCatalog(db.pool, "sync");
    expect(result).toEqual({ inserted: 3 + 3 + CATALOG.length * 2, updated: 0 });
    expect(await counts()).toEqual({
      companies: 3,
      providers: 3,
      models: CATALOG.length,
      mappings: CATALOG.length,
    });

    const sonnet = await mapping("claude-sonnet-5-5");
    expect(sonnet).toMatchObject({
      provider: "anthropic",
      upstream_model: "claude-sonnet-5-5",
      input_price: "200000000", // $2.00 per 1M = 200 credits = 2e8 µcr
      cached_input_price: "10000000",
      cache_write_price: "250000000",
      output_price: "1000000000",
      enabled: true,
      priority: 0,
    });
    expect((await mapping("gemini-4-neon")).cache_write_price).toBeNull();
    // A transcription model priced by tokens (ADR 074): its audio apart, as a modality price.
    expect(await mapping("gpt-4o-transcribe")).toMatchObject({
      input_price: "250000000",
      output_price: "1000000000",
      media_prices: { audio_input_token: "600000000" },
    });
    expect((await mapping("gpt-4o-mini-transcribe")).media_prices).toEqual({
      audio_input_token: "300000000",
    });
  });

  test("re-running changes nothing and duplicates nothing", async () => {
    const before = await counts();
    const snapshot = (await db.pool.query("SELECT * FROM model_provider_mappings ORDER BY id"))
      .rows;
    const result = await seedCatalog(db.pool, "sync");
    expect(result.inserted).toBe(0);
    expect(await counts()).toEqual(before);
    const after = (await db.pool.query("SELECT * FROM model_provider_mappings ORDER BY id")).rows;
    expect(after.map(({ updated_at: _, ...row }) => row)).toEqual(
      snapshot.map(({ updated_at: _, ...row }) => row),
    );
  });

  test("insert-missing keeps an admin's price and adds a deleted model back", async () => {
    await db.pool.query(
      `UPDATE model_provider_mappings SET output_price = 1, enabled = false
       WHERE model_id = (SELECT id FROM models WHERE slug = 'gpt-6.2-sol')`,
    );
    await db.pool.query(
      `DELETE FROM model_provider_mappings WHERE model_id = (SELECT id FROM models WHERE slug = 'gpt-4o-mini')`,
    );
    const result = await seedCatalog(db.pool, "insert-missing");
    expect(result).toEqual({ inserted: 1, updated: 0 });
    expect(await mapping("gpt-6.2-sol")).toMatchObject({ output_price: "1", enabled: false });
    expect((await mapping("gpt-4o-mini")).output_price).toBe("60000000");
  });

  test("sync restores list prices but leaves enabled and priority alone", async () => {
    await db.pool.query(
      `UPDATE model_provider_mappings SET priority = 5
       WHERE model_id = (SELECT id FROM models WHERE slug = 'gpt-6.2-sol')`,
    );
    await seedCatalog(db.pool, "sync");
    expect(await mapping("gpt-6.2-sol")).toMatchObject({
      output_price: "1000000000",
      enabled: false,
      priority: 5,
    });
  });

  test("two seeds racing still leave one row each", async () => {
    await Promise.all([seedCatalog(db.pool, "sync"), seedCatalog(db.pool, "insert-missing")]);
    expect(await counts()).toEqual({
      companies: 3,
      providers: 3,
      models: CATALOG.length,
      mappings: CATALOG.length,
    });
  });
});
