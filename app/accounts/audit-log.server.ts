import type { Prisma } from "../db/prisma.server.ts";
import { clientFacts } from "../http/client-stamp.server.ts";
import { processLogger } from "../server/logger.server.ts";
import { storableJsonValue, storableText } from "../utils/storable-text.ts";

export type AuditAction =
  | "sign_in"
  | "sign_in_failed"
  | "sign_up"
  | "key_created"
  | "key_enabled"
  | "key_disabled"
  | "key_deleted"
  | "key_rules_changed"
  | "content_logging_on"
  | "content_logging_off"
  | "price_changed"
  | "credits_added"
  | "provider_created"
  | "provider_changed"
  | "provider_key_added"
  | "provider_key_enabled"
  | "provider_key_disabled"
  | "provider_key_deleted"
  | "model_created"
  | "models_imported"
  | "model_changed"
  | "alias_set"
  | "alias_deleted"
  | "credits_granted"
  | "own_provider_key_saved"
  | "own_provider_key_removed"
  | "team_created"
  | "team_deleted"
  | "member_invited"
  | "invitation_revoked"
  | "member_joined"
  | "member_role_changed"
  | "member_removed"
  | "member_left"
  | "member_limit_changed";

/**
 * Records a security-relevant action with its actor, time and client IP. It
 * never fails the action it records: text PostgreSQL cannot hold is written as
 * U+FFFD (inputs with it are refused before: issue #21, finding 12), and a
 * write that fails all the same is logged at error with the whole event, so
 * that it is not lost without a trace.
 */
export async function audit(
  prisma: Prisma,
  request: Request,
  event: {
    action: AuditAction;
    actorId: string | null;
    subject?: string;
    details?: Record<string, string | number | boolean | null>;
  },
) {
  try {
    await prisma.auditEvent.create({
      data: {
        action: event.action,
        actorId: event.actorId,
        subject:
          event.subject === undefined ? undefined : storableText(event.subject.slice(0, 254)),
        ip: clientFacts(request).ip,
        details: event.details && storableJsonValue(event.details),
      },
    });
  } catch (error) {
    processLogger().error(
      { err: error, audit: { ...event, ip: clientFacts(request).ip } },
      "could not write an audit event: the action was done, its record is this line",
    );
  }
}

/** The latest events, newest first, with their actors' emails (for the admin page). */
export async function recentAuditEvents(prisma: Prisma, limit = 100) {
  const events = await prisma.auditEvent.findMany({ orderBy: { id: "desc" }, take: limit });
  const actorIds = [...new Set(events.flatMap((event) => (event.actorId ? [event.actorId] : [])))];
  const actors = new Map(
    (
      await prisma.user.findMany({
        where: { id: { in: actorIds } },
        select: { id: true, email: true },
      })
    ).map((user) => [user.id, user.email]),
  );
  return events.map((event) => ({
    id: event.id.toString(),
    at: event.createdAt.toISOString(),
    actor: event.actorId ? (actors.get(event.actorId) ?? "(deleted user)") : null,
    action: event.action,
    subject: event.subject,
    ip: event.ip,
  }));
}
