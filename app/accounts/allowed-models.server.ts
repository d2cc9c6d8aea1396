import { readModelNames } from "../catalog/model-names.server.ts";
import type { Prisma } from "../db/prisma.server.ts";

/** A key's allowlist names a model the catalog does not have (a typo would otherwise refuse every request). */
export class UnknownModelsError extends Error {
  readonly field = "allowedModels";
  readonly unknown: string[];
  constructor(unknown: string[]) {
    super(`No such model: ${unknown.join(", ")}`);
    this.unknown = unknown;
    this.name = "UnknownModelsError";
  }
}

/**
 * A key's allowlist as stored: the slug of each model a name stands for (slug,
 * OpenRouter id or alias; an alias is resolved now, so retargeting it later
 * widens no key). A name of no model throws UnknownModelsError, for the page
 * and the JSON API alike.
 */
export async function allowlistSlugs(prisma: Prisma, names: string[]) {
  const { slugs, unknown } = (await readModelNames(prisma)).canonical(names);
  if (unknown.length > 0) throw new UnknownModelsError(unknown);
  return slugs;
}
