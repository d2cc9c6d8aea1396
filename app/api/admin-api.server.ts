import type { Accounts } from "../accounts/accounts.server.ts";
import type { Admin } from "../admin/admin-change.server.ts";
import { GatewayError } from "../http/gateway-error.ts";
import { jsonApi, requireApiUserId } from "./api-helpers.server.ts";

// The admin JSON API's door (/api/admin/...): the session cookie of an admin,
// as the dashboard's. Every handler behind it gets the admin who asks, for the
// audit log.

/** The signed-in admin's id: 401 for nobody, 403 for other users. */
export async function requireApiAdminId(accounts: Accounts, request: Request) {
  const userId = await requireApiUserId(accounts, request);
  const user = await accounts.prisma.user.findUnique({
    where: { id: userId },
    select: { role: true },
  });
  if (user?.role !== "ADMIN")
    throw new GatewayError(403, "Only administrators can manage providers and models", {
      type: "permission_error",
      code: "admin_only",
    });
  return userId;
}

/** Runs an admin JSON API handler once the admin is known (jsonApi's answers for what it throws). */
export const adminApi = (
  accounts: Accounts,
  request: Request,
  handler: (admin: Admin) => Promise<Response>,
) => jsonApi(async () => handler({ id: await requireApiAdminId(accounts, request), request }));
