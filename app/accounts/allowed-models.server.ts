import { readModelNames } from "../catalog/model-names.server.ts";
import type { Prisma } from "../db/prisma.server.ts";
import { modelList } from "./key-rule-fields.ts";

/** The models a key's "only these models" field names (slug, OpenRouter id, alias), as slugs; the names of none. */
export async function allowedModelSlugs(prisma: Prisma, text: string | undefined) {
  return (await readModelNames(prisma)).canonical(modelList(text));
}
