import type { Prisma } from "../db/prisma.server.ts";
import { clientFacts } from "../http/client-stamp.server.ts";
import { processLogger } from "../observability/logger.server.ts";
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
  | "member_limit_changed"
  | "team_guardrails_changed"
  | "password_reset_requested"
  | "password_reset_link_made"
  | "password_reset"
  | "password_changed"
  | "email_changed"
  | "session_revoked"
  | "user_disabled"
  | "user_enabled"
  | "role_changed";

/**
 * Records a security-relevant action with its actor, time and client IP. It
 * never fails the action it records: text PostgreSQL cannot hold is written as
 * U+FFFD (inputs with it are refused before: issue #21, finding 12), and a
 * write that fails all the same is logged at error with the whole event, so
 * that it is not lost without a trace.
 */
export async function audit(
  prisma: Prisma,
  /** The request that made the change; null for the gateway's own (a schedule): its IP is "-". */
  request: Request | null,
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
        ip: request ? clientFacts(request).ip : "-",
        details: event.details && storableJsonValue(event.details),
      },
    });
  } catch (error) {
    processLogger().error(
      { err: error, audit: { ...event, ip: request ? clientFacts(request).ip : "-" } },
      "could not write an audit event: the action was done, its record is this line",
    );
  }
}

/** The latest events, newest first, with names for their ids: actors' emails, subjects' names. */
export async function recentAuditEvents(prisma: Prisma, limit = 100) {
  const events = await prisma.auditEvent.findMany({ orderBy: { id: "desc" }, take: limit });
  const actorIds = events.flatMap((event) => (event.actorId ? [event.actorId] : []));
  const subjectIds = events.flatMap((event) =>
    event.subject && UUID.test(event.subject) ? [event.subject] : [],
  );
  const names = await namesOf(prisma, [...new Set([...actorIds, ...subjectIds])]);
  return events.map((event) => ({
    id: event.id.toString(),
    at: event.createdAt.toISOString(),
    actor: event.actorId ? (names.get(event.actorId) ?? "(deleted user)") : null,
    action: event.action,
    // An id the log can name reads as its name; the id stays beside it for a search.
    subject: event.subject && (names.get(event.subject) ?? event.subject),
    subjectId: event.subject && names.has(event.subject) ? event.subject : null,
    ip: event.ip,
  }));
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What the ids in events stand for: a person's email, a team's name, an API key's name, an invitation. */
async function namesOf(prisma: Prisma, ids: string[]) {
  if (ids.length === 0) return new Map<string, string>();
  const [users, keys, invitations] = await Promise.all([
    prisma.user.findMany({
      where: { id: { in: ids } },
      select: { id: true, email: true, team: { select: { name: true } } },
    }),
    prisma.apiKey.findMany({
      where: { id: { in: ids } },
      select: { id: true, name: true, prefix: true },
    }),
    prisma.teamInvitation.findMany({
      where: { id: { in: ids } },
      select: { id: true, team: { select: { name: true } } },
    }),
  ]);
  return new Map<string, string>([
    ...users.map(
      (user) => [user.id, user.email ?? `team ${user.team?.name ?? "(deleted)"}`] as const,
    ),
    ...keys.map((key) => [key.id, `key “${key.name}” (${key.prefix}…)`] as const),
    ...invitations.map(
      (invitation) => [invitation.id, `invitation to ${invitation.team.name}`] as const,
    ),
  ]);
}
