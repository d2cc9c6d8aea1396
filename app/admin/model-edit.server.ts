import type { z } from "zod";
import { audit } from "../accounts/audit-log.server.ts";
import type { Prisma } from "../db/prisma.server.ts";
import { GatewayError } from "../http/gateway-error.ts";
import { microToUsd, usdToMicro } from "../utils/money.ts";
import type { ModelEditSchema } from "./model-fields.ts";
import { updateModel } from "./models.server.ts";
import type { Admin } from "./admin-change.server.ts";

// The admin's model form on the server: a model with its provider routes, and
// saving limits and prices together. The catalog trigger makes every instance
// reload, so new requests are charged the new prices at once.

const ROUTE_FIELDS = {
  id: true,
  upstreamModel: true,
  enabled: true,
  priority: true,
  inputPrice: true,
  cachedInputPrice: true,
  cacheWritePrice: true,
  outputPrice: true,
  provider: { select: { slug: true, enabled: true } },
} as const;

/** A model and its routes, cheapest-first as the gateway tries them; a 404 for no such model. */
export async function modelForEditing(prisma: Prisma, slug: string) {
  const model = await prisma.model.findUnique({
    where: { slug },
    select: {
      slug: true,
      name: true,
      contextLength: true,
      maxOutputTokens: true,
      mappings: { orderBy: [{ priority: "asc" }, { id: "asc" }], select: ROUTE_FIELDS },
    },
  });
  if (!model)
    throw new GatewayError(404, `No model '${slug}'`, {
      type: "not_found_error",
      code: "model_not_found",
    });
  return model;
}

/** The model page's data: the model's limits, and each route with its prices in US dollars. */
export async function modelEditPage(prisma: Prisma, slug: string) {
  const model = await modelForEditing(prisma, slug);
  return {
    model: {
      slug: model.slug,
      name: model.name,
      contextLength: model.contextLength,
      maxOutputTokens: model.maxOutputTokens,
    },
    routes: model.mappings.map((mapping) => ({
      id: mapping.id,
      provider: mapping.provider.slug,
      providerEnabled: mapping.provider.enabled,
      upstreamModel: mapping.upstreamModel,
      enabled: mapping.enabled,
      inputPrice: microToUsd(mapping.inputPrice),
      cachedInputPrice: microToUsd(mapping.cachedInputPrice),
      outputPrice: microToUsd(mapping.outputPrice),
    })),
  };
}

export type ModelEditPage = Awaited<ReturnType<typeof modelEditPage>>;

/**
 * Saves what the form changed: the limits (audited as model_changed) and each
 * route whose prices or switch changed (price_changed, subject the mapping id).
 * A route that is not this model's is a 400 before anything is written.
 */
export async function saveModel(
  prisma: Prisma,
  slug: string,
  edit: z.infer<typeof ModelEditSchema>,
  admin: Admin,
) {
  const model = await modelForEditing(prisma, slug);
  const routes = new Map(model.mappings.map((mapping) => [mapping.id, mapping]));
  const unknown = edit.routes.find((route) => !routes.has(route.id));
  if (unknown)
    throw new GatewayError(400, `Route ${unknown.id} is not one of ${slug}'s`, {
      type: "invalid_request_error",
      param: "routes",
    });
  const { contextLength, maxOutputTokens } = edit;
  if (contextLength !== model.contextLength || maxOutputTokens !== model.maxOutputTokens)
    await updateModel(prisma, slug, { contextLength, maxOutputTokens }, admin);
  for (const route of edit.routes) {
    const before = routes.get(route.id)!;
    const after = {
      inputPrice: usdToMicro(route.inputPrice),
      cachedInputPrice: usdToMicro(route.cachedInputPrice),
      outputPrice: usdToMicro(route.outputPrice),
      enabled: route.enabled === "on",
    };
    const changed =
      after.inputPrice !== before.inputPrice ||
      after.cachedInputPrice !== before.cachedInputPrice ||
      after.outputPrice !== before.outputPrice ||
      after.enabled !== before.enabled;
    if (!changed) continue;
    await prisma.$transaction([
      prisma.modelProviderMapping.update({ where: { id: route.id }, data: after }),
      // The route's price history (ADR 069): from now, by this admin.
      prisma.priceChange.create({
        data: {
          mappingId: route.id,
          inputPrice: after.inputPrice,
          cachedInputPrice: after.cachedInputPrice,
          cacheWritePrice: before.cacheWritePrice,
          outputPrice: after.outputPrice,
          source: "admin",
          actorId: admin.id,
        },
      }),
    ]);
    await audit(prisma, admin.request, {
      action: "price_changed",
      actorId: admin.id,
      subject: String(route.id),
      details: {
        model: slug,
        provider: before.provider.slug,
        inputPrice: after.inputPrice.toString(),
        cachedInputPrice: after.cachedInputPrice.toString(),
        outputPrice: after.outputPrice.toString(),
        enabled: after.enabled,
      },
    });
  }
}
