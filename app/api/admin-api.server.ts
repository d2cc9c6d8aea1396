import type { Accounts } from "../accounts/accounts.server.ts";
import { requireApiAdminId } from "../accounts/require-user.server.ts";
import type { Admin } from "../admin/admin-change.server.ts";
import { jsonApi } from "./api-helpers.server.ts";

// The admin JSON API's door (/api/admin/...): the session cookie of an admin,
// as the dashboard's (the check itself is accounts/require-user's, shared with
// the pages). Every handler behind it gets the admin who asks, for the audit log.

/** Runs an admin JSON API handler once the admin is known (jsonApi's answers for what it throws). */
export const adminApi = (
  accounts: Accounts,
  request: Request,
  handler: (admin: Admin) => Promise<Response>,
) => jsonApi(async () => handler({ id: await requireApiAdminId(accounts, request), request }));
