import { z } from "zod";
import { audit } from "../accounts/audit-log.server.ts";
import type { Prisma } from "../db/prisma.server.ts";
import { GatewayError, invalidRequest } from "../http/gateway-error.ts";
import { readModelNames } from "../catalog/model-names.server.ts";
import { ALIAS_NAME, closestNames, openRouterId } from "../llm/model-names.ts";
import type { Admin } from "./admin-change.server.ts";

// Admins' aliases: one name for a model (`default`, `fast`), accepted wherever
// a model is named and listed beside the models (ADR 038). A change reaches
// every instance within a second (the catalog trigger on model_aliases).

export const aliasNameSchema = z
  .string({ error: "is required" })
  .regex(ALIAS_NAME, "must be 1-64 of a-z, 0-9, . _ - (starting with a letter or digit)");

export const SetAliasSchema = z.object({
  model: z
    .string({ error: "is required: the model's slug, OpenRouter id or another alias" })
    .trim()
    .min(1, "must not be empty")
    .max(200),
});

export async function listAliases(prisma: Prisma) {
  const rows = await prisma.modelAlias.findMany({
    orderBy: { name: "asc" },
    select: {
      name: true,
      updatedAt: true,
      model: { select: { slug: true, company: { select: { slug: true } } } },
    },
  });
  return rows.map((row) => ({
    name: row.name,
    model: row.model.slug,
    openRouterId: openRouterId(row.model.slug, row.model.company.slug),
    updatedAt: row.updatedAt.toISOString(),
  }));
}

/**
 * Points `name` at the model `target` names (made if new): a 400 when the name
 * is a model's own, a 404 naming the closest names when the target is unknown.
 */
export async function setAlias(prisma: Prisma, name: string, target: string, admin: Admin) {
  const parsedName = aliasNameSchema.safeParse(name);
  if (!parsedName.success)
    throw invalidRequest(`name: ${parsedName.error.issues[0]!.message}`, "name");
  const known = await readModelNames(prisma);
  const taken = known.names.get(name);
  const ownAlias = await prisma.modelAlias.findUnique({ where: { name } });
  if (taken !== undefined && !ownAlias)
    throw invalidRequest(`name: '${name}' already names the model ${taken}`, "name");
  const model = known.find(target);
  if (!model) {
    const close = closestNames(target, known.names.keys());
    throw new GatewayError(
      404,
      `model: no model is called '${target}'${close.length ? `; did you mean ${close.map((c) => `'${c}'`).join(" or ")}?` : ""}`,
      { type: "not_found_error", code: "model_not_found", param: "model" },
    );
  }
  await prisma.modelAlias.upsert({
    where: { name },
    create: { name, modelId: model.id },
    update: { modelId: model.id },
  });
  await audit(prisma, admin.request, {
    action: "alias_set",
    actorId: admin.id,
    subject: name,
    details: { model: model.slug },
  });
  return (await listAliases(prisma)).find((alias) => alias.name === name)!;
}

/** Removes an alias; a 404 when there is none by that name. */
export async function deleteAlias(prisma: Prisma, name: string, admin: Admin) {
  const { count } = await prisma.modelAlias.deleteMany({ where: { name } });
  if (count === 0)
    throw new GatewayError(404, `No alias '${name}'`, {
      type: "not_found_error",
      code: "alias_not_found",
    });
  await audit(prisma, admin.request, { action: "alias_deleted", actorId: admin.id, subject: name });
}
