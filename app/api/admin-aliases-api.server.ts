import type { Accounts } from "../accounts/accounts.server.ts";
import {
  deleteAlias,
  listAliases,
  setAlias,
  SetAliasSchema,
} from "../admin/model-aliases.server.ts";
import { requireApiAdminId } from "../accounts/require-user.server.ts";
import { jsonApi, readBody } from "./api-helpers.server.ts";

// The admin JSON API for model aliases (/api/admin/aliases), as the Admin page's.

/** GET /api/admin/aliases */
export const listAliasesApi = (accounts: Accounts, request: Request) =>
  jsonApi(async () => {
    await requireApiAdminId(accounts, request);
    return Response.json({ aliases: await listAliases(accounts.prisma) });
  });

/** PUT /api/admin/aliases/:name {model} (made or pointed elsewhere), DELETE /api/admin/aliases/:name */
export const changeAliasApi = (accounts: Accounts, request: Request, name: string) =>
  jsonApi(async () => {
    const adminId = await requireApiAdminId(accounts, request);
    const admin = { id: adminId, request };
    if (request.method === "DELETE") {
      await deleteAlias(accounts.prisma, name, admin);
      return new Response(null, { status: 204 });
    }
    const { model } = await readBody(request, SetAliasSchema);
    return Response.json({ alias: await setAlias(accounts.prisma, name, model, admin) });
  });
