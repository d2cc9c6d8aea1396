import type { z } from "zod";
import type { Prisma } from "../db/prisma.server.ts";
import { keyPrefix } from "../providers/env-providers.server.ts";
import { providerKind } from "../providers/provider-kinds.ts";
import { GatewayError, invalidRequest } from "../http/gateway-error.ts";
import type { SecretBox } from "../security/secret-box.server.ts";
import { recordAdminChange as record, type Admin } from "./admin-change.server.ts";
import type { CreateProviderSchema, UpdateProviderSchema } from "./provider-schemas.ts";
import { markupColumns } from "../catalog/markup.ts";

// Providers, as admins change them: the admin JSON API and the admin page both
// call these. Each change is recorded in the audit log here, and fires the
// catalog notification: every instance reloads its adapters. Their keys:
// provider-keys.server.ts; a test call: provider-check.server.ts; importing a
// provider's models: import-models.server.ts.

export const KEY_FIELDS = {
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
  const { markupPercent, markupPerMillion, ...fields } = change;
  const provider = await prisma.provider.update({
    where: { slug },
    data: { ...fields, ...markupColumns({ markupPercent, markupPerMillion }) },
    select: PROVIDER_FIELDS,
  });
  await record(prisma, admin, "provider_changed", slug, {
    ...fields,
    markupPercent,
    markupPerMillion: markupPerMillion === undefined ? undefined : String(markupPerMillion),
  });
  return provider;
}
