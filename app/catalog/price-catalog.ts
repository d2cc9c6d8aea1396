import { z } from "zod";

// Public price catalogs the gateway can follow (ADR 069): OpenRouter's
// GET /api/v1/models (USD per token, as decimal strings) and models.dev's
// api.json (USD per 1M tokens, as numbers), read into one shape: a model by its
// OpenRouter id (`company/slug`), its prices in USD per 1M tokens as exact
// decimal strings (usdToMicro takes them), and its context length when given.

export interface CatalogPrice {
  openRouterId: string;
  name: string;
  input: string;
  cachedInput: string | null;
  cacheWrite: string | null;
  output: string;
  contextLength: number | null;
}

const decimal = z.string().regex(/^\d+(\.\d+)?$/);

const OpenRouterSchema = z.object({
  data: z.array(
    z.object({
      id: z.string().min(1).max(200),
      name: z.string().max(300).optional(),
      context_length: z.number().int().positive().nullish(),
      pricing: z
        .object({
          prompt: z.string(),
          completion: z.string(),
          input_cache_read: z.string().nullish(),
          input_cache_write: z.string().nullish(),
        })
        .passthrough(),
    }),
  ),
});

const ModelsDevSchema = z.record(
  z.string(),
  z.object({
    id: z.string(),
    models: z.record(
      z.string(),
      z.object({
        id: z.string().min(1).max(200),
        name: z.string().max(300).optional(),
        cost: z
          .object({
            input: z.number().nonnegative(),
            output: z.number().nonnegative(),
            cache_read: z.number().nonnegative().optional(),
            cache_write: z.number().nonnegative().optional(),
          })
          .optional(),
        limit: z.object({ context: z.number().int().nonnegative().optional() }).optional(),
      }),
    ),
  }),
);

/** Reads either format; throws CatalogFormatError naming what it could not read. */
export function readPriceCatalog(body: unknown): CatalogPrice[] {
  if (body && typeof body === "object" && "data" in body) return fromOpenRouter(body);
  return fromModelsDev(body);
}

export class CatalogFormatError extends Error {}

function fromOpenRouter(body: unknown): CatalogPrice[] {
  const parsed = OpenRouterSchema.safeParse(body);
  if (!parsed.success)
    throw new CatalogFormatError(
      `not OpenRouter's /api/v1/models shape: ${firstIssue(parsed.error)}`,
    );
  return parsed.data.data.flatMap((model) => {
    const { prompt, completion, input_cache_read: read, input_cache_write: write } = model.pricing;
    // A router ("openrouter/auto") prices at -1: it has no price of its own.
    if (!decimal.safeParse(prompt).success || !decimal.safeParse(completion).success) return [];
    return [
      {
        openRouterId: model.id,
        name: model.name ?? model.id,
        input: perTokenToPerMillion(prompt),
        cachedInput: read && decimal.safeParse(read).success ? perTokenToPerMillion(read) : null,
        cacheWrite: write && decimal.safeParse(write).success ? perTokenToPerMillion(write) : null,
        output: perTokenToPerMillion(completion),
        contextLength: model.context_length ?? null,
      },
    ];
  });
}

function fromModelsDev(body: unknown): CatalogPrice[] {
  const parsed = ModelsDevSchema.safeParse(body);
  if (!parsed.success)
    throw new CatalogFormatError(
      `neither OpenRouter's /api/v1/models nor models.dev's api.json shape: ${firstIssue(parsed.error)}`,
    );
  return Object.entries(parsed.data).flatMap(([provider, entry]) =>
    Object.values(entry.models).flatMap((model) =>
      model.cost
        ? [
            {
              openRouterId: `${provider}/${model.id}`,
              name: model.name ?? model.id,
              input: usdString(model.cost.input),
              cachedInput:
                model.cost.cache_read === undefined ? null : usdString(model.cost.cache_read),
              cacheWrite:
                model.cost.cache_write === undefined ? null : usdString(model.cost.cache_write),
              output: usdString(model.cost.output),
              contextLength: model.limit?.context || null,
            },
          ]
        : [],
    ),
  );
}

/** "0.0000025" (USD a token) -> "2.5" (USD per 1M tokens), exactly: the decimal point moves. */
export function perTokenToPerMillion(perToken: string): string {
  const [whole = "0", fraction = ""] = perToken.split(".");
  const digits = `${whole}${fraction.padEnd(6, "0")}`;
  const point = whole.length + 6;
  const joined = `${digits.slice(0, point)}.${digits.slice(point)}`;
  return trimDecimal(joined.replace(/^0+(?=\d)/, ""));
}

/** A number of USD as a plain decimal string of at most 8 places (usdToMicro's). */
function usdString(amount: number) {
  return trimDecimal(amount.toFixed(8));
}

const trimDecimal = (text: string) => text.replace(/(\.\d*?)0+$/, "$1").replace(/\.$/, "");

const firstIssue = (error: z.ZodError) => {
  const issue = error.issues[0]!;
  return `${issue.path.join(".") || "(top)"}: ${issue.message}`;
};
