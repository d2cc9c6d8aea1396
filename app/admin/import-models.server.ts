import type { z } from "zod";
import type { Prisma } from "../db/prisma.server.ts";
import { listUpstreamModels } from "../providers/create-adapter.server.ts";
import { providerKind } from "../providers/provider-kinds.ts";
import { GatewayError, invalidRequest } from "../http/gateway-error.ts";
import type { SecretBox } from "../security/secret-box.server.ts";
import { usdToMicro } from "../utils/money.ts";
import { recordAdminChange as record, type Admin } from "./admin-change.server.ts";
import type { ImportModelsSchema } from "./provider-schemas.ts";
import { providerBySlug } from "./providers.server.ts";

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
