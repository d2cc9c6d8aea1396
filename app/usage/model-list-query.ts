import { z } from "zod";
import { CAPABILITIES } from "../catalog/model-capabilities.ts";

// The Models list's search, filters and order: a GET form's query string, read on
// the server, so the list filters without JavaScript and a filtered list has an
// address (ADR 071).

export const MODEL_SORTS = ["maker", "name", "input", "output", "context"] as const;
export type ModelSort = (typeof MODEL_SORTS)[number];

export const ModelListQuerySchema = z.object({
  /** Part of a model's name or slug, any case. */
  q: z.string().trim().max(200).optional().catch(undefined),
  /** A provider's slug: the models it serves. */
  provider: z.string().max(200).optional().catch(undefined),
  capability: z.enum(CAPABILITIES).optional().catch(undefined),
  /** US dollars per 1M input tokens, as charged (the price the list shows). */
  maxInput: z
    .string()
    .regex(/^\d{1,9}(\.\d{1,8})?$/)
    .optional()
    .catch(undefined),
  /** Tokens of context, at least. */
  minContext: z.coerce.number().int().min(0).max(1e12).optional().catch(undefined),
  /** maker: by company, then slug (the catalog's order); prices cheapest first; context largest first. */
  sort: z.enum(MODEL_SORTS).catch("maker"),
});

export type ModelListQuery = z.infer<typeof ModelListQuerySchema>;

/** The query from a URL; unusable values are ignored (the form shows them unset), never an error page. */
export function modelListQuery(url: URL): ModelListQuery {
  return ModelListQuerySchema.parse(
    Object.fromEntries([...url.searchParams].filter(([, value]) => value.trim() !== "")),
  );
}
