import { z } from "zod";
import type { Accounts } from "../accounts/accounts.server.ts";
import { importProviderModels } from "../admin/import-models.server.ts";
import {
  CreateModelSchema,
  createModel,
  UpdateModelSchema,
  updateModel,
} from "../admin/models.server.ts";
import { testProvider } from "../admin/provider-check.server.ts";
import {
  addProviderKey,
  deleteProviderKey,
  setProviderKeyEnabled,
} from "../admin/provider-keys.server.ts";
import {
  AddKeySchema,
  CreateProviderSchema,
  ImportModelsSchema,
  UpdateProviderSchema,
} from "../admin/provider-schemas.ts";
import { createProvider, listProviders, updateProvider } from "../admin/providers.server.ts";
import type { Gateway } from "../gateway/gateway.server.ts";
import type { SecretBox } from "../security/secret-box.server.ts";
import { adminApi } from "./admin-api.server.ts";
import { readBody } from "./api-helpers.server.ts";

// The admin JSON API for providers, their upstream keys and the models they
// serve (/api/admin/...): the body read, then the same admin/ module the admin
// pages call. A change reaches every instance within a second (the catalog
// notifications). Upstream keys are sealed before they are stored and never
// shown again.

const UpdateKeySchema = z.object({ enabled: z.boolean({ error: "must be true or false" }) });

/** GET /api/admin/providers */
export const listProvidersApi = (accounts: Accounts, request: Request) =>
  adminApi(accounts, request, async () =>
    Response.json({ providers: await listProviders(accounts.prisma) }),
  );

/** POST /api/admin/providers: a provider, with its first upstream key if given. */
export const createProviderApi = (accounts: Accounts, box: SecretBox, request: Request) =>
  adminApi(accounts, request, async (admin) => {
    const input = await readBody(request, CreateProviderSchema);
    const created = await createProvider(accounts.prisma, box, input, admin);
    return Response.json({ provider: created }, { status: 201 });
  });

/** PUT /api/admin/providers/:slug */
export const updateProviderApi = (accounts: Accounts, request: Request, slug: string) =>
  adminApi(accounts, request, async (admin) => {
    const input = await readBody(request, UpdateProviderSchema);
    return Response.json({ provider: await updateProvider(accounts.prisma, slug, input, admin) });
  });

/** POST /api/admin/providers/:slug/keys: the key is sealed; the answer shows its prefix only. */
export const addProviderKeyApi = (
  accounts: Accounts,
  box: SecretBox,
  request: Request,
  slug: string,
) =>
  adminApi(accounts, request, async (admin) => {
    const input = await readBody(request, AddKeySchema);
    const key = await addProviderKey(accounts.prisma, box, slug, input.apiKey, admin);
    return Response.json({ key }, { status: 201 });
  });

/** PUT (enable, disable) and DELETE /api/admin/providers/:slug/keys/:id */
export const changeProviderKeyApi = (
  accounts: Accounts,
  request: Request,
  slug: string,
  id: string,
) =>
  adminApi(accounts, request, async (admin) => {
    const keyId = Number(id);
    if (request.method === "DELETE") {
      await deleteProviderKey(accounts.prisma, slug, keyId, admin);
      return new Response(null, { status: 204 });
    }
    const input = await readBody(request, UpdateKeySchema);
    const changed = await setProviderKeyEnabled(accounts.prisma, slug, keyId, input.enabled, admin);
    return Response.json({ key: changed });
  });

/** POST /api/admin/providers/:slug/test: one cheap call through it; `{ok, message, latencyMs}`. */
export const testProviderApi = (
  accounts: Accounts,
  gateway: Gateway,
  request: Request,
  slug: string,
) => adminApi(accounts, request, async () => Response.json(await testProvider(gateway, slug)));

/** POST /api/admin/providers/:slug/import-models: its /models, added switched off at the given prices. */
export const importModelsApi = (
  accounts: Accounts,
  box: SecretBox,
  request: Request,
  slug: string,
) =>
  adminApi(accounts, request, async (admin) => {
    const input = await readBody(request, ImportModelsSchema);
    const result = await importProviderModels(accounts.prisma, box, slug, input.prices, admin);
    return Response.json(result, { status: 201 });
  });

/** POST /api/admin/models: a catalog model and the providers that serve it, with prices. */
export const createModelApi = (accounts: Accounts, request: Request) =>
  adminApi(accounts, request, async (admin) => {
    const input = await readBody(request, CreateModelSchema);
    return Response.json(
      { model: await createModel(accounts.prisma, input, admin) },
      { status: 201 },
    );
  });

/** PUT /api/admin/models/:slug { name?, contextLength?, maxOutputTokens? } */
export const updateModelApi = (accounts: Accounts, request: Request, slug: string) =>
  adminApi(accounts, request, async (admin) => {
    const input = await readBody(request, UpdateModelSchema);
    return Response.json({ model: await updateModel(accounts.prisma, slug, input, admin) });
  });
