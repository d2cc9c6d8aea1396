import { z } from "zod";
import { audit, type AuditAction } from "../accounts/audit-log.server.ts";
import type { Prisma } from "../db/prisma.server.ts";
import type { Gateway } from "../gateway/gateway.server.ts";
import { listUpstreamModels, PROVIDER_KINDS } from "../providers/create-adapter.server.ts";
import { providerKind } from "../providers/provider-kinds.ts";
import { keyPrefix } from "../providers/env-providers.server.ts";
import { GatewayError, invalidRequest } from "../http/gateway-error.ts";
import type { SecretBox } from "../security/secret-box.server.ts";
import { usdToMicro } from "../utils/money.ts";
import { PROVIDER_SLUG, USD_PRICE } from "./provider-fields.ts";

// Providers and their upstream keys, as admins change them: the admin JSON API
// and the admin page both call these. Each change is recorded in the audit log
// here, and fires the catalog notification: every instance reloads its adapters.

export const slugSchema = z
  .string({ error: "is required" })
  .regex(PROVIDER_SLUG, "must be 1-63 of a-z, 0-9, . _ -");
/** An upstream provider key as entered (the gateway's, or a user's own). */
export const upstreamKeySchema = z
  .string({ error: "must be a string" })
  .trim()
  .min(8, "must be at least 8 characters")
  .max(4096, "is too long");
const baseUrl = z
  .url({ protocol: /^https?$/, error: "must be an http(s) URL" })
  .max(2048)
  .nullable();
/** A provider's own timeout; null: the environment's (UPSTREAM_*_TIMEOUT_SECONDS). */
const timeoutSeconds = z
  .number({ error: "must be a whole number of seconds" })
  .int("must be a whole number of seconds")
  .min(1, "must be at least 1")
  .max(3600, "must be at most 3600")
  .nullable()
  .optional();
/** How long the provider may keep the gateway waiting (docs/decisions/035-upstream-timeouts-per-provider.md). */
const timeoutFields = {
  firstByteTimeoutSeconds: timeoutSeconds,
  chunkTimeoutSeconds: timeoutSeconds,
  answerTimeoutSeconds: timeoutSeconds,
};

export const CreateProviderSchema = z.object({
  slug: slugSchema,
  name: z.string().trim().min(1).max(100).optional(),
  kind: z.enum(PROVIDER_KINDS, { error: `must be one of ${PROVIDER_KINDS.join(", ")}` }),
  baseUrl: baseUrl.optional(),
  streamUsage: z.boolean({ error: "must be true or false" }).optional(),
  ...timeoutFields,
  apiKey: upstreamKeySchema.optional(),
});

export const UpdateProviderSchema = z
  .object({
    name: z.string().trim().min(1).max(100).optional(),
    baseUrl: baseUrl.optional(),
    enabled: z.boolean({ error: "must be true or false" }).optional(),
    streamUsage: z.boolean({ error: "must be true or false" }).optional(),
    ...timeoutFields,
  })
  .refine((input) => Object.keys(input).length > 0, { error: "send at least one field" });

export const AddKeySchema = z.object({ apiKey: upstreamKeySchema });

const KEY_FIELDS = {
  id: true,
  prefix: true,
  enabled: true,
  envName: true,
  coolingUntil: true,
  invalidAt: true,
  lastError: true,
  createdAt: true,
} as const;

const PROVIDER_FIELDS = {
  id: true,
  slug: true,
  name: true,
  kind: true,
  baseUrl: true,
  enabled: true,
  streamUsage: true,
  firstByteTimeoutSeconds: true,
  chunkTimeoutSeconds: true,
  answerTimeoutSeconds: true,
  // Never the sealed secret: its prefix is all that is shown.
  keys: { orderBy: { id: "asc" }, select: KEY_FIELDS },
} as const;

/** Who makes a change, for the audit log. */
export interface Admin {
  id: string;
  request: Request;
}

const record = (
  prisma: Prisma,
  admin: Admin,
  action: AuditAction,
  slug: string,
  details: Record<string, string | number | boolean | null | undefined>,
) =>
  audit(prisma, admin.request, {
    action,
    actorId: admin.id,
    subject: slug,
    details: Object.fromEntries(
      Object.entries(details).filter(([, value]) => value !== undefined),
    ) as Record<string, string | number | boolean | null>,
  });

const providerNotFound = (slug: string) =>
  new GatewayError(404, `No provider '${slug}'`, {
    type: "not_found_error",
    code: "provider_not_found",
  });

export function listProviders(prisma: Prisma) {
  return prisma.provider.findMany({ orderBy: { slug: "asc" }, select: PROVIDER_FIELDS });
}

export async function providerBySlug(prisma: Prisma, slug: string) {
  const provider = await prisma.provider.findUnique({ where: { slug }, select: PROVIDER_FIELDS });
  if (!provider) throw providerNotFound(slug);
  return provider;
}

/** A provider, with its first upstream key if given; 400 without a base URL for a compatible one, 409 for a taken slug. */
export async function createProvider(
  prisma: Prisma,
  box: SecretBox,
  input: z.infer<typeof CreateProviderSchema>,
  admin: Admin,
) {
  if (providerKind(input.kind)?.needsBaseUrl && !input.baseUrl)
    throw invalidRequest("baseUrl: is required for an openai-compatible provider", "baseUrl");
  if ((await prisma.provider.count({ where: { slug: input.slug } })) > 0)
    throw new GatewayError(409, `A provider '${input.slug}' exists already`, {
      type: "invalid_request_error",
      code: "provider_exists",
      param: "slug",
    });
  const created = await prisma.provider.create({
    data: {
      slug: input.slug,
      name: input.name ?? input.slug,
      kind: input.kind,
      baseUrl: input.baseUrl ?? null,
      streamUsage: input.streamUsage ?? true,
      firstByteTimeoutSeconds: input.firstByteTimeoutSeconds ?? null,
      chunkTimeoutSeconds: input.chunkTimeoutSeconds ?? null,
      answerTimeoutSeconds: input.answerTimeoutSeconds ?? null,
      ...(input.apiKey
        ? { keys: { create: { secret: box.seal(input.apiKey), prefix: keyPrefix(input.apiKey) } } }
        : {}),
    },
    select: PROVIDER_FIELDS,
  });
  await record(prisma, admin, "provider_created", created.slug, {
    kind: created.kind,
    baseUrl: created.baseUrl,
  });
  return created;
}

export async function updateProvider(
  prisma: Prisma,
  slug: string,
  change: z.infer<typeof UpdateProviderSchema>,
  admin: Admin,
) {
  await providerBySlug(prisma, slug);
  const provider = await prisma.provider.update({
    where: { slug },
    data: change,
    select: PROVIDER_FIELDS,
  });
  await record(prisma, admin, "provider_changed", slug, change);
  return provider;
}

/** One more upstream key, sealed; the answer shows its prefix only. */
export async function addProviderKey(
  prisma: Prisma,
  box: SecretBox,
  slug: string,
  key: string,
  admin: Admin,
) {
  const provider = await providerBySlug(prisma, slug);
  const added = await prisma.providerKey.create({
    data: { providerId: provider.id, secret: box.seal(key), prefix: keyPrefix(key) },
    select: KEY_FIELDS,
  });
  await record(prisma, admin, "provider_key_added", slug, {
    keyId: added.id,
    prefix: added.prefix,
  });
  return added;
}

async function keyOf(prisma: Prisma, slug: string, keyId: number) {
  const provider = await providerBySlug(prisma, slug);
  if (!provider.keys.some((key) => key.id === keyId))
    throw new GatewayError(404, `No key ${keyId} for provider '${slug}'`, {
      type: "not_found_error",
      code: "provider_key_not_found",
    });
}

/** Enabling a key the provider refused gives it another chance. */
export async function setProviderKeyEnabled(
  prisma: Prisma,
  slug: string,
  keyId: number,
  enabled: boolean,
  admin: Admin,
) {
  await keyOf(prisma, slug, keyId);
  const changed = await prisma.providerKey.update({
    where: { id: keyId },
    data: enabled ? { enabled: true, invalidAt: null, coolingUntil: null } : { enabled: false },
    select: KEY_FIELDS,
  });
  await record(prisma, admin, enabled ? "provider_key_enabled" : "provider_key_disabled", slug, {
    keyId,
  });
  return changed;
}

export async function deleteProviderKey(prisma: Prisma, slug: string, keyId: number, admin: Admin) {
  await keyOf(prisma, slug, keyId);
  await prisma.providerKey.delete({ where: { id: keyId } });
  await record(prisma, admin, "provider_key_deleted", slug, { keyId });
}

export interface ProviderTest {
  ok: boolean;
  message: string;
  latencyMs: number;
}

/**
 * One cheap call through the provider as requests use it (its keys in turn):
 * a one-token answer from the first model it serves. A refused key is set
 * aside like on any request.
 */
export async function testProvider(gateway: Gateway, slug: string): Promise<ProviderTest> {
  const provider = await providerBySlug(gateway.prisma, slug);
  const mapping = await gateway.prisma.modelProviderMapping.findFirst({
    where: { providerId: provider.id },
    orderBy: [{ enabled: "desc" }, { priority: "asc" }],
    select: { upstreamModel: true },
  });
  const started = performance.now();
  const result = (ok: boolean, message: string) => ({
    ok,
    message,
    latencyMs: Math.round(performance.now() - started),
  });
  if (!mapping) return result(false, "It serves no model yet: add one first.");
  const adapter = (await gateway.providers.adapters()).get(slug);
  if (!adapter) return result(false, "It is disabled or has no usable key.");
  try {
    const parts = await adapter.streamParts({
      request: { model: mapping.upstreamModel, messages: [{ role: "user", content: "Say OK." }] },
      upstreamModel: mapping.upstreamModel,
      maxOutputTokens: 1,
      stream: false,
      signal: AbortSignal.timeout(15_000),
    });
    for await (const batch of parts) void batch;
    return result(true, `${mapping.upstreamModel} answered.`);
  } catch (error) {
    return result(false, error instanceof Error ? error.message : String(error));
  }
}

/** How a provider did over its requests of the last minutes: for the admin page. */
export interface ProviderHealth {
  requests: number;
  errors: number;
  /** Median latency of its successful requests, ms; null without any. */
  latencyP50Ms: number | null;
  /** Median time to the first token of its streams, ms; null without any. */
  firstTokenP50Ms: number | null;
}

export const HEALTH_WINDOW_MINUTES = 15;

/** Each provider's recent requests, from the usage log (one index range per provider). */
export async function providerHealth(prisma: Prisma): Promise<Map<string, ProviderHealth>> {
  const rows = await prisma.$queryRaw<
    {
      slug: string;
      requests: bigint;
      errors: bigint;
      latency: number | null;
      first_token: number | null;
    }[]
  >`
    SELECT p.slug, h.requests, h.errors, h.latency, h.first_token
    FROM providers p
    CROSS JOIN LATERAL (
      SELECT count(*) AS requests,
             count(*) FILTER (WHERE c.status = 'ERROR') AS errors,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY c.latency_ms)
               FILTER (WHERE c.status = 'SUCCESS') AS latency,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY c.time_to_first_token_ms) AS first_token
      FROM conversations c
      WHERE c.provider_slug = p.slug
        AND c.created_at > now() - make_interval(mins => ${HEALTH_WINDOW_MINUTES}::int)
    ) h`;
  return new Map(
    rows.map((row) => [
      row.slug,
      {
        requests: Number(row.requests),
        errors: Number(row.errors),
        latencyP50Ms: row.latency === null ? null : Math.round(row.latency),
        firstTokenP50Ms: row.first_token === null ? null : Math.round(row.first_token),
      },
    ]),
  );
}

/** US dollars per 1M tokens, as a string ("0.59"). */
export const usdSchema = z
  .string({ error: 'must be a US-dollar amount as a string, e.g. "2.50"' })
  .regex(USD_PRICE, 'must be a US-dollar amount as a string, e.g. "2.50"');

export const ImportModelsSchema = z.object({
  prices: z.object({ input: usdSchema, output: usdSchema, cachedInput: usdSchema.optional() }),
});

/** A model id a catalog slug can be: what clients send as `model`. */
const IMPORTABLE_ID = /^[A-Za-z0-9][\w.:/-]{0,199}$/;
/** What an imported model is given until an admin says better (a server's /models does not say). */
const IMPORTED_LIMITS = { contextLength: 128_000, maxOutputTokens: 8_192 };

/**
 * The models an OpenAI-compatible provider lists at GET /models, added to the
 * catalog with the given prices, each mapping switched off until an admin
 * reviews it on the Admin page: a price is never guessed into use. Models it
 * serves already are left alone.
 */
export async function importProviderModels(
  prisma: Prisma,
  box: SecretBox,
  slug: string,
  prices: z.infer<typeof ImportModelsSchema>["prices"],
  admin: Admin,
) {
  const provider = await providerBySlug(prisma, slug);
  if (!providerKind(provider.kind)?.listsModels)
    throw invalidRequest(
      `'${slug}' is not an OpenAI-compatible provider: it lists no models to import`,
      "slug",
    );
  const key = await prisma.providerKey.findFirst({
    where: { providerId: provider.id, enabled: true, invalidAt: null },
    orderBy: { id: "asc" },
    select: { secret: true },
  });
  if (!key) throw invalidRequest(`'${slug}' has no usable key to ask for its models`, "slug");
  let listed: string[];
  try {
    listed = await listUpstreamModels({
      apiKey: box.open(key.secret),
      baseURL: provider.baseUrl ?? undefined,
    });
  } catch (error) {
    throw new GatewayError(502, `${slug} did not list its models: ${(error as Error).message}`, {
      type: "upstream_error",
      code: "upstream_error",
    });
  }
  const served = new Set(
    (
      await prisma.modelProviderMapping.findMany({
        where: { providerId: provider.id },
        select: { upstreamModel: true },
      })
    ).map((mapping) => mapping.upstreamModel),
  );
  const fresh = [...new Set(listed)].filter((id) => IMPORTABLE_ID.test(id) && !served.has(id));
  const company = await prisma.company.upsert({
    where: { slug },
    create: { slug, name: provider.name },
    update: {},
  });
  for (const id of fresh) {
    const model = await prisma.model.upsert({
      where: { slug: id },
      create: { slug: id, name: id, companyId: company.id, ...IMPORTED_LIMITS },
      update: {},
    });
    // A model it serves already under another upstream name keeps that mapping.
    await prisma.modelProviderMapping.upsert({
      where: { modelId_providerId: { modelId: model.id, providerId: provider.id } },
      create: {
        modelId: model.id,
        providerId: provider.id,
        upstreamModel: id,
        inputPrice: usdToMicro(prices.input),
        cachedInputPrice: usdToMicro(prices.cachedInput ?? prices.input),
        outputPrice: usdToMicro(prices.output),
        enabled: false,
      },
      update: {},
    });
  }
  await record(prisma, admin, "models_imported", slug, {
    imported: fresh.length,
    listed: listed.length,
  });
  return { imported: fresh, listed: listed.length };
}
