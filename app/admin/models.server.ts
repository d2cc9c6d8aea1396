import { z } from "zod";
import { audit } from "../accounts/audit-log.server.ts";
import type { Prisma } from "../db/prisma.server.ts";
import { GatewayError } from "../http/gateway-error.ts";
import { recordAdminChange, type Admin } from "./admin-change.server.ts";
import { markupFields, slugSchema, usdSchema } from "./provider-schemas.ts";
import { markupColumns } from "../catalog/markup.ts";
import { usdToMicro } from "../utils/money.ts";

// A catalog model as admins make it (with the providers that serve it and
// their prices) and change it later: the admin JSON API and the model page call
// these. A model's own settings, apart from its mappings' prices: its name and limits
// (an imported model starts at 128k context and 8k output until edited). The
// catalog trigger makes every instance reload the model at once.

export const UpdateModelSchema = z
  .object({
    name: z.string({ error: "must be a string" }).trim().min(1, "must not be empty").max(200),
    contextLength: z
      .number({ error: "must be a number of tokens" })
      .int("must be a whole number")
      .min(1, "must be at least 1")
      .max(100_000_000),
    maxOutputTokens: z
      .number({ error: "must be a number of tokens" })
      .int("must be a whole number")
      .min(1, "must be at least 1")
      .max(10_000_000),
    ...markupFields(),
  })
  .partial()
  .refine((change) => Object.keys(change).length > 0, {
    error: "send name, contextLength, maxOutputTokens, markupPercent or markupPerMillion",
  });

export type ModelChange = z.infer<typeof UpdateModelSchema>;

/** Changes a model's name or limits; a 404 when there is no such model, a 400 when output would exceed context. */
export async function updateModel(prisma: Prisma, slug: string, change: ModelChange, admin: Admin) {
  const model = await prisma.model.findUnique({
    where: { slug },
    select: { contextLength: true, maxOutputTokens: true },
  });
  if (!model)
    throw new GatewayError(404, `No model '${slug}'`, {
      type: "not_found_error",
      code: "model_not_found",
    });
  const context = change.contextLength ?? model.contextLength;
  const output = change.maxOutputTokens ?? model.maxOutputTokens;
  if (output > context)
    throw new GatewayError(
      400,
      `maxOutputTokens: must be at most the context length (${context})`,
      {
        type: "invalid_request_error",
        param: "maxOutputTokens",
      },
    );
  const { markupPercent, markupPerMillion, ...fields } = change;
  const updated = await prisma.model.update({
    where: { slug },
    data: { ...fields, ...markupColumns({ markupPercent, markupPerMillion }) },
    select: { slug: true, name: true, contextLength: true, maxOutputTokens: true },
  });
  await recordAdminChange(prisma, admin, "model_changed", slug, {
    ...fields,
    markupPercent,
    markupPerMillion: markupPerMillion === undefined ? undefined : String(markupPerMillion),
  });
  return updated;
}

/** POST /api/admin/models: a catalog model and the providers that serve it, with prices. */
export const CreateModelSchema = z.object({
  slug: slugSchema,
  name: z.string().trim().min(1).max(100).optional(),
  contextLength: z.number().int().min(1).max(100_000_000),
  maxOutputTokens: z.number().int().min(1).max(10_000_000),
  mappings: z
    .array(
      z.object({
        provider: slugSchema,
        upstreamModel: z.string().trim().min(1).max(200),
        /** US dollars per 1M tokens. */
        prices: z.object({
          input: usdSchema,
          cachedInput: usdSchema.optional(),
          cacheWrite: usdSchema.optional(),
          output: usdSchema,
        }),
        priority: z.number().int().min(0).max(1000).optional(),
      }),
    )
    .min(1, "must list at least one provider")
    .max(20),
});

/** A catalog model and the providers that serve it; 409 for a taken slug, 400 for an unknown provider. */
export async function createModel(
  prisma: Prisma,
  input: z.infer<typeof CreateModelSchema>,
  admin: Admin,
) {
  if ((await prisma.model.count({ where: { slug: input.slug } })) > 0)
    throw new GatewayError(409, `A model '${input.slug}' exists already`, {
      type: "invalid_request_error",
      code: "model_exists",
      param: "slug",
    });
  const providers = await prisma.provider.findMany({
    where: { slug: { in: input.mappings.map((mapping) => mapping.provider) } },
    select: { id: true, slug: true },
  });
  const providerId = new Map(providers.map((provider) => [provider.slug, provider.id]));
  input.mappings.forEach((mapping, i) => {
    if (!providerId.has(mapping.provider))
      throw new GatewayError(400, `mappings[${i}].provider: no provider '${mapping.provider}'`, {
        type: "invalid_request_error",
        param: `mappings[${i}].provider`,
      });
  });
  // A model belongs to a company; the first provider stands for it when none is known.
  const ownerSlug = input.mappings[0]!.provider;
  const model = await prisma.$transaction(async (tx) => {
    const company = await tx.company.upsert({
      where: { slug: ownerSlug },
      create: { slug: ownerSlug, name: ownerSlug },
      update: {},
    });
    return tx.model.create({
      data: {
        slug: input.slug,
        name: input.name ?? input.slug,
        companyId: company.id,
        contextLength: input.contextLength,
        maxOutputTokens: input.maxOutputTokens,
        mappings: {
          create: input.mappings.map((mapping) => ({
            providerId: providerId.get(mapping.provider)!,
            upstreamModel: mapping.upstreamModel,
            inputPrice: usdToMicro(mapping.prices.input),
            cachedInputPrice: usdToMicro(mapping.prices.cachedInput ?? mapping.prices.input),
            cacheWritePrice:
              mapping.prices.cacheWrite === undefined
                ? null
                : usdToMicro(mapping.prices.cacheWrite),
            outputPrice: usdToMicro(mapping.prices.output),
            priority: mapping.priority ?? 0,
          })),
        },
      },
      select: { id: true, slug: true, name: true },
    });
  });
  await audit(prisma, admin.request, {
    action: "model_created",
    actorId: admin.id,
    subject: model.slug,
    details: { providers: input.mappings.map((mapping) => mapping.provider).join(",") },
  });
  return model;
}
