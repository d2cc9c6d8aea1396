import type { Prisma } from "../db/prisma.server.ts";
import { nameIndex, openRouterId, splitVariant } from "../llm/model-names.ts";

// The names the catalog's models answer to (slug, OpenRouter id, an admin's
// alias), read from the database: for a key's allowlist (accounts/) and the
// admins' alias checks (admin/). Editing aliases stays in admin/.

/** Every name the catalog's models answer to -> the model, read from the database (no gateway needed). */
export async function readModelNames(prisma: Prisma) {
  const [models, aliases] = await Promise.all([
    prisma.model.findMany({
      select: { id: true, slug: true, company: { select: { slug: true } } },
    }),
    prisma.modelAlias.findMany({ select: { name: true, model: { select: { slug: true } } } }),
  ]);
  const bySlug = new Map(models.map((model) => [model.slug, model]));
  const names = nameIndex(
    models.map((model) => ({
      slug: model.slug,
      openRouterId: openRouterId(model.slug, model.company.slug),
    })),
    aliases.map((alias) => [alias.name, alias.model.slug]),
  );
  return {
    names,
    /** The model a name stands for, or undefined. */
    find(name: string) {
      const slug = names.get(name);
      return slug === undefined ? undefined : bySlug.get(slug);
    },
    /** The slugs of the models these names stand for (variants dropped); the names that stand for none. */
    canonical(wanted: string[]) {
      const slugs: string[] = [];
      const unknown: string[] = [];
      for (const name of wanted) {
        const slug = names.get(splitVariant(name).name);
        if (slug === undefined) unknown.push(name);
        else if (!slugs.includes(slug)) slugs.push(slug);
      }
      return { slugs, unknown };
    },
  };
}
