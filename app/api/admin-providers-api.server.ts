import { z } from "zod";
import type { Accounts } from "../accounts/accounts.server.ts";
import { audit } from "../accounts/audit-log.server.ts";
import { keyPrefix } from "../gateway/providers/env-providers.server.ts";
import { PROVIDER_KINDS } from "../gateway/providers/create-adapter.server.ts";
import { GatewayError } from "../http/gateway-error.ts";
import type { SecretBox } from "../security/secret-box.server.ts";
import { usdToMicro } from "../utils/money.ts";
import { jsonApi, readBody, requireApiUserId } from "./api-helpers.server.ts";

// The admin JSON API for providers, their upstream keys and the models they
// serve (/api/admin/...). Session cookie of an admin, as the dashboard's. A
// change reaches every instance within a second (the catalog notifications).
// Upstream keys are sealed before they are stored and never shown again.

const SLUG = /^[a-z0-9][a-z0-9._-]{0,62}$/;
const slug = z.string({ error: "is required" }).regex(SLUG, "must be 1-63 of a-z, 0-9, . _ -");
const apiKey = z
  .string({ error: "must be a string" })
  .trim()
  .min(8, "must be at least 8 characters")
  .max(4096, "is too long");
const baseUrl = z
  .url({ protocol: /^https?$/, error: "must be an http(s) URL" })
  .max(2048)
  .nullable();
const usd = z
  .string({ error: 'must be a US-dollar amount as a string, e.g. "2.50"' })
  .regex(/^\d{1,7}(\.\d{1,8})?$/, 'must be a US-dollar amount as a string, e.g. "2.50"');

const CreateProviderSchema = z.object({
  slug,
  name: z.string().trim().min(1).max(100).optional(),
  kind: z.enum(PROVIDER_KINDS, { error: `must be one of ${PROVIDER_KINDS.join(", ")}` }),
  baseUrl: baseUrl.optional(),
  streamUsage: z.boolean({ error: "must be true or false" }).optional(),
  apiKey: apiKey.optional(),
});

const UpdateProviderSchema = z
  .object({
    name: z.string().trim().min(1).max(100).optional(),
    baseUrl: baseUrl.optional(),
    enabled: z.boolean({ error: "must be true or false" }).optional(),
    streamUsage: z.boolean({ error: "must be true or false" }).optional(),
  })
  .refine((input) => Object.keys(input).length > 0, { error: "send at least one field" });

const AddKeySchema = z.object({ apiKey });
const UpdateKeySchema = z.object({ enabled: z.boolean({ error: "must be true or false" }) });

const CreateModelSchema = z.object({
  slug,
  name: z.string().trim().min(1).max(100).optional(),
  contextLength: z.number().int().min(1).max(100_000_000),
  maxOutputTokens: z.number().int().min(1).max(10_000_000),
  mappings: z
    .array(
      z.object({
        provider: slug,
        upstreamModel: z.string().trim().min(1).max(200),
        /** US dollars per 1M tokens. */
        prices: z.object({
          input: usd,
          cachedInput: usd.optional(),
          cacheWrite: usd.optional(),
          output: usd,
        }),
        priority: z.number().int().min(0).max(1000).optional(),
      }),
    )
    .min(1, "must list at least one provider")
    .max(20),
});

const providerNotFound = (slug: string) =>
  new GatewayError(404, `No provider '${slug}'`, {
    type: "not_found_error",
    code: "provider_not_found",
  });

/** The signed-in admin's id: 401 for nobody, 403 for other users. */
async function requireApiAdminId(accounts: Accounts, request: Request) {
  const userId = await requireApiUserId(accounts, request);
  const user = await accounts.prisma.user.findUnique({
    where: { id: userId },
    select: { role: true },
  });
  if (user?.role !== "ADMIN")
    throw new GatewayError(403, "Only administrators can manage providers", {
      type: "permission_error",
      code: "admin_only",
    });
  return userId;
}

const PROVIDER_FIELDS = {
  id: true,
  slug: true,
  name: true,
  kind: true,
  baseUrl: true,
  enabled: true,
  streamUsage: true,
  // Never the sealed secret: its prefix is all that is shown.
  keys: {
    orderBy: { id: "asc" },
    select: {
      id: true,
      prefix: true,
      enabled: true,
      envName: true,
      coolingUntil: true,
      invalidAt: true,
      lastError: true,
      createdAt: true,
    },
  },
} as const;

async function providerBySlug(accounts: Accounts, slug: string) {
  const provider = await accounts.prisma.provider.findUnique({
    where: { slug },
    select: PROVIDER_FIELDS,
  });
  if (!provider) throw providerNotFound(slug);
  return provider;
}

/** GET /api/admin/providers */
export const listProvidersApi = (accounts: Accounts, request: Request) =>
  jsonApi(async () => {
    await requireApiAdminId(accounts, request);
    const providers = await accounts.prisma.provider.findMany({
      orderBy: { slug: "asc" },
      select: PROVIDER_FIELDS,
    });
    return Response.json({ providers });
  });

/** POST /api/admin/providers: a provider, with its first upstream key if given. */
export const createProviderApi = (accounts: Accounts, box: SecretBox, request: Request) =>
  jsonApi(async () => {
    const adminId = await requireApiAdminId(accounts, request);
    const input = await readBody(request, CreateProviderSchema);
    if (input.kind === "openai-compatible" && !input.baseUrl)
      throw new GatewayError(400, "baseUrl: is required for an openai-compatible provider", {
        type: "invalid_request_error",
        param: "baseUrl",
      });
    const exists = await accounts.prisma.provider.count({ where: { slug: input.slug } });
    if (exists > 0)
      throw new GatewayError(409, `A provider '${input.slug}' exists already`, {
        type: "invalid_request_error",
        code: "provider_exists",
        param: "slug",
      });
    const created = await accounts.prisma.provider.create({
      data: {
        slug: input.slug,
        name: input.name ?? input.slug,
        kind: input.kind,
        baseUrl: input.baseUrl ?? null,
        streamUsage: input.streamUsage ?? true,
        ...(input.apiKey
          ? {
              keys: { create: { secret: box.seal(input.apiKey), prefix: keyPrefix(input.apiKey) } },
            }
          : {}),
      },
      select: PROVIDER_FIELDS,
    });
    await audit(accounts.prisma, request, {
      action: "provider_created",
      actorId: adminId,
      subject: created.slug,
      details: { kind: created.kind, baseUrl: created.baseUrl },
    });
    return Response.json({ provider: created }, { status: 201 });
  });

/** PUT /api/admin/providers/:slug */
export const updateProviderApi = (accounts: Accounts, request: Request, slug: string) =>
  jsonApi(async () => {
    const adminId = await requireApiAdminId(accounts, request);
    const input = await readBody(request, UpdateProviderSchema);
    await providerBySlug(accounts, slug);
    const provider = await accounts.prisma.provider.update({
      where: { slug },
      data: input,
      select: PROVIDER_FIELDS,
    });
    await audit(accounts.prisma, request, {
      action: "provider_changed",
      actorId: adminId,
      subject: slug,
      details: {
        ...(input.enabled === undefined ? {} : { enabled: input.enabled }),
        ...(input.baseUrl === undefined ? {} : { baseUrl: input.baseUrl }),
        ...(input.streamUsage === undefined ? {} : { streamUsage: input.streamUsage }),
      },
    });
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
    const provider = await providerBySlug(accounts, slug);
    const key = await accounts.prisma.providerKey.create({
      data: {
        providerId: provider.id,
        secret: box.seal(input.apiKey),
        prefix: keyPrefix(input.apiKey),
      },
      select: PROVIDER_FIELDS.keys.select,
    });
    await audit(accounts.prisma, request, {
      action: "provider_key_added",
      actorId: adminId,
      subject: slug,
      details: { keyId: key.id, prefix: key.prefix },
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
    const provider = await providerBySlug(accounts, slug);
    const key = provider.keys.find((candidate) => candidate.id === keyId);
    if (!key)
      throw new GatewayError(404, `No key ${id} for provider '${slug}'`, {
        type: "not_found_error",
        code: "provider_key_not_found",
      });
    if (request.method === "DELETE") {
      await accounts.prisma.providerKey.delete({ where: { id: keyId } });
      await audit(accounts.prisma, request, {
        action: "provider_key_deleted",
        actorId: adminId,
        subject: slug,
        details: { keyId },
      });
      return new Response(null, { status: 204 });
    }
    const input = await readBody(request, UpdateKeySchema);
    const changed = await accounts.prisma.providerKey.update({
      where: { id: keyId },
      // Enabling a key the provider refused gives it another chance.
      data: input.enabled
        ? { enabled: true, invalidAt: null, coolingUntil: null }
        : { enabled: false },
      select: PROVIDER_FIELDS.keys.select,
    });
    await audit(accounts.prisma, request, {
      action: input.enabled ? "provider_key_enabled" : "provider_key_disabled",
      actorId: adminId,
      subject: slug,
      details: { keyId },
    });
    return Response.json({ key: changed });
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
