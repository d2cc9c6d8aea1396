import { audit, type AuditAction } from "../accounts/audit-log.server.ts";
import type { Prisma } from "../db/prisma.server.ts";

// Who makes a change on the admin pages or the admin JSON API, and the audit
// line such a change leaves.

/** Who makes a change, for the audit log. */
export interface Admin {
  id: string;
  request: Request;
}

/** Records an admin's change in the audit log; fields left undefined are not stored. */
export const recordAdminChange = (
  prisma: Prisma,
  admin: Admin,
  action: AuditAction,
  subject: string,
  details: Record<string, string | number | boolean | null | undefined>,
) =>
  audit(prisma, admin.request, {
    action,
    actorId: admin.id,
    subject,
    details: Object.fromEntries(
      Object.entries(details).filter(([, value]) => value !== undefined),
    ) as Record<string, string | number | boolean | null>,
  });
