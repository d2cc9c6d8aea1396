import { UpdateModelSchema, updateModel } from "../admin/models.server.ts";
import { z } from "zod";
import type { Accounts } from "../accounts/accounts.server.ts";
import { audit } from "../accounts/audit-log.server.ts";
import {
  addProviderKey,
  AddKeySchema,
  createProvider,
  CreateProviderSchema,
  deleteProviderKey,
  listProviders,
  importProviderModels,
  ImportModelsSchema,
  setProviderKeyEnabled,
  slugSchema,
  testProvider,
  usdSchema,
  updateProvider,
  UpdateProviderSchema,
} from "../admin/providers.server.ts";
import { GatewayError } from "../http/gateway-error.ts";
import type { Gateway } from "../gateway/gateway.server.ts";
import type { SecretBox } from "../security/secret-box.server.ts";
import { usdToMicro } from "../utils/money.ts";
import { requireApiAdminId } from "../accounts/require-user.server.ts";
import { jsonApi, readBody } from "./api-helpers.server.ts";

// The admin JSON API for providers, their upstream keys and the models they
// serve (/api/admin/...). Session cookie of an admin, as the dashboard's. A
// change reaches every instance within a second (the catalog notifications).
// Upstream keys are sealed before they are stored and never shown again.

const UpdateKeySchema = z.object({ enabled: z.boolean({ error: "must be true or false" }) });

const CreateModelSchema = z.object({
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

/** GET /api/admin/providers */
export const listProvidersApi = (accounts: Accounts, request: Request) =>
  jsonApi(async () => {
    await requireApiAdminId(accounts, request);
    return Response.json({ providers: await listProviders(accounts.prisma) });
  });

/** POST /api/admin/providers: a provider, with its first upstream key if given. */
export const createProviderApi = (accounts: Accounts, box: SecretBox, request: Request) =>
  jsonApi(async () => {
    const adminId = await requireApiAdminId(accounts, request);
    const input = await readBody(request, CreateProviderSchema);
    const created = await createProvider(accounts.prisma, box, input, { id: adminId, request });
    return Response.json({ provider: created }, { status: 201 });
  });

/** PUT /api/admin/providers/:slug */
export const updateProviderApi = (accounts: Accounts, request: Request, slug: string) =>
  jsonApi(async () => {
    const adminId = await requireApiAdminId(accounts, request);
    const input = await readBody(request, UpdateProviderSchema);
    const provider = await updateProvider(accounts.prisma, slug, input, { id: adminId, request });
    return Response.json({ provider });
  });

/** POST /api/admin/providers/:slug/keys: the key is sealed; the answer shows its prefix only. */
export const addProviderKeyApi = (
  accounts: Accounts,
  box: SecretBox,
  request: Request,
  slug: string,
) =>
  jsonApi(async () => {
    const adminId = await requireApiAdminId(accounts, request);
    const input = await readBody(request, AddKeySchema);
    const key = await addProviderKey(accounts.prisma, box, slug, input.apiKey, {
      id: adminId,
      request,
    });
    return Response.json({ key }, { status: 201 });
  });

/** PUT (enable, disable) and DELETE /api/admin/providers/:slug/keys/:id */
export const changeProviderKeyApi = (
  accounts: Accounts,
  request: Request,
  slug: string,
  id: string,
) =>
  jsonApi(async () => {
    const adminId = await requireApiAdminId(accounts, request);
    const keyId = Number(id);
    if (request.method === "DELETE") {
      await deleteProviderKey(accounts.prisma, slug, keyId, { id: adminId, request });
      return new Response(null, { status: 204 });
    }
    const input = await readBody(request, UpdateKeySchema);
    const changed = await setProviderKeyEnabled(accounts.prisma, slug, keyId, input.enabled, {
      id: adminId,
      request,
    });
    return Response.json({ key: changed });
  });

/** POST /api/admin/providers/:slug/test: one cheap call through it; `{ok, message, latencyMs}`. */
export const testProviderApi = (
  accounts: Accounts,
  gateway: Gateway,
  request: Request,
  slug: string,
) =>
  jsonApi(async () => {
    await requireApiAdminId(accounts, request);
    return Response.json(await testProvider(gateway, slug));
  });

/** POST /api/admin/providers/:slug/import-models: its /models, added switched off at the given prices. */
export const importModelsApi = (
  accounts: Accounts,
  box: SecretBox,
  request: Request,
  slug: string,
) =>
  jsonApi(async () => {
    const adminId = await requireApiAdminId(accounts, request);
    const input = await readBody(request, ImportModelsSchema);
    const result = await importProviderModels(accounts.prisma, box, slug, input.prices, {
      id: adminId,
      request,
    });
    return Response.json(result, { status: 201 });
  });

/** POST /api/admin/models: a catalog model and the providers that serve it, with prices. */
export const createModelApi = (accounts: Accounts, request: Request) =>
  jsonApi(async () => {
    const adminId = await requireApiAdminId(accounts, request);
    const input = await readBody(request, CreateModelSchema);
    if ((await accounts.prisma.model.count({ where: { slug: input.slug } })) > 0)
      throw new GatewayError(409, `A model '${input.slug}' exists already`, {
        type: "invalid_request_error",
        code: "model_exists",
        param: "slug",
      });
    const providers = await accounts.prisma.provider.findMany({
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
    const model = await accounts.prisma.$transaction(async (tx) => {
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
    await audit(accounts.prisma, request, {
      action: "model_created",
      actorId: adminId,
      subject: model.slug,
      details: { providers: input.mappings.map((mapping) => mapping.provider).join(",") },
    });
    return Response.json({ model }, { status: 201 });
  });

/** PUT /api/admin/models/:slug { name?, contextLength?, maxOutputTokens? } */
export const updateModelApi = (accounts: Accounts, request: Request, slug: string) =>
  jsonApi(async () => {
    const adminId = await requireApiAdminId(accounts, request);
    const input = await readBody(request, UpdateModelSchema);
    const model = await updateModel(accounts.prisma, slug, input, { id: adminId, request });
    return Response.json({ model });
  });
