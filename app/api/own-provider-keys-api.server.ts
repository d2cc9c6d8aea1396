import { z } from "zod";
import type { Accounts } from "../accounts/accounts.server.ts";
import {
  listOwnProviderKeys,
  shownOwnKey,
} from "../accounts/own-provider-keys/own-provider-keys.server.ts";
import { removeOwnKey, saveOwnKey } from "../accounts/own-provider-keys/own-key-changes.server.ts";
import { upstreamKeySchema } from "../admin/provider-schemas.ts";
import { GatewayError } from "../http/gateway-error.ts";
import type { SecretBox } from "../security/secret-box.server.ts";
import { requireApiScope } from "../accounts/require-user.server.ts";
import { jsonApi, readBody } from "./api-helpers.server.ts";

// The signed-in user's own provider keys (BYOK, ADR 027) as JSON:
// GET /api/provider-keys, PUT and DELETE /api/provider-keys/:provider.

const SaveSchema = z
  .object({
    apiKey: upstreamKeySchema.optional(),
    fallback: z.boolean({ error: "must be true or false" }).optional(),
  })
  .refine((input) => input.apiKey !== undefined || input.fallback !== undefined, {
    error: "send apiKey (and fallback), or fallback alone",
  });

const noSuchProvider = (slug: string) =>
  new GatewayError(404, `No enabled provider '${slug}'`, {
    type: "not_found_error",
    code: "provider_not_found",
  });

const noKey = (slug: string) =>
  new GatewayError(404, `You have no key for '${slug}'`, {
    type: "not_found_error",
    code: "provider_key_not_found",
  });

/** GET /api/provider-keys: every enabled provider, with your key's prefix and state where you gave one. */
export const listOwnKeysApi = (accounts: Accounts, request: Request) =>
  jsonApi(async () => {
    const { accountId } = await requireApiScope(accounts, request, "providerKeys");
    const providers = await listOwnProviderKeys(accounts.prisma, accountId);
    return Response.json({
      providers: providers.map(({ slug, name, key }) => ({
        provider: slug,
        name,
        key: key && { ...shownOwnKey(key), createdAt: key.createdAt.toISOString() },
      })),
    });
  });

/** PUT /api/provider-keys/:provider { apiKey?, fallback? }: stores or replaces the key, or changes its fallback. */
export const saveOwnKeyApi = (
  accounts: Accounts,
  box: SecretBox,
  request: Request,
  provider: string,
) =>
  jsonApi(async () => {
    const scope = await requireApiScope(accounts, request, "providerKeys");
    const input = await readBody(request, SaveSchema);
    const actor = { prisma: accounts.prisma, request, ...scope };
    const saved = await saveOwnKey(actor, box, { provider, ...input });
    if (saved === "no provider") throw noSuchProvider(provider);
    if (saved === "no key") throw noKey(provider);
    return Response.json({ ok: true });
  });

/** DELETE /api/provider-keys/:provider */
export const deleteOwnKeyApi = (accounts: Accounts, request: Request, provider: string) =>
  jsonApi(async () => {
    const scope = await requireApiScope(accounts, request, "providerKeys");
    const actor = { prisma: accounts.prisma, request, ...scope };
    if (!(await removeOwnKey(actor, provider))) throw noKey(provider);
    return Response.json({ ok: true });
  });
