import { randomUUID } from "node:crypto";
import type { Prisma } from "../../db/prisma.server.ts";
import { processLogger, type Logger } from "../../observability/logger.server.ts";
import type { EventType } from "./notification-kinds.ts";

// An account's events (ADR 068), queued as one delivery per webhook endpoint that
// takes them, in one statement: an account without endpoints writes nothing. The
// deliverers of every instance send them (webhook-deliverer.server.ts).

export { EVENT_TYPES, type EventType } from "./notification-kinds.ts";

/** What an endpoint receives: the same id for every endpoint of one event. */
export interface EventPayload {
  id: string;
  type: EventType;
  created_at: string;
  account_id: string;
  data: Record<string, unknown>;
}

/**
 * Queues `type` for the account's endpoints that take it (`only`: that one
 * endpoint). Never fails its caller: an event that cannot be queued is logged.
 */
export async function emitEvent(
  prisma: Prisma,
  event: { accountId: string; type: EventType; data: Record<string, unknown>; only?: string },
  log: Pick<Logger, "error"> = processLogger(),
): Promise<number> {
  const payload: EventPayload = {
    id: randomUUID(),
    type: event.type,
    created_at: new Date().toISOString(),
    account_id: event.accountId,
    data: event.data,
  };
  try {
    return await prisma.$executeRaw`
      INSERT INTO webhook_deliveries (endpoint_id, event_id, event, payload)
      SELECT id, ${payload.id}::uuid, ${event.type}, ${JSON.stringify(payload)}::jsonb
      FROM webhook_endpoints
      WHERE account_id = ${event.accountId}::uuid AND enabled
        AND (${event.only ?? null}::uuid IS NULL OR id = ${event.only ?? null}::uuid)
        AND (${event.type} = 'ping' OR cardinality(events) = 0 OR ${event.type} = ANY(events))`;
  } catch (error) {
    log.error(
      { err: error, event: event.type, accountId: event.accountId },
      "could not queue an event",
    );
    return 0;
  }
}

/** Queues `type` for every admin's endpoints: events of the gateway itself (a provider's circuit). */
export async function emitAdminEvent(
  prisma: Prisma,
  type: EventType,
  data: Record<string, unknown>,
  log: Pick<Logger, "error"> = processLogger(),
) {
  const admins = await prisma.user
    .findMany({ where: { role: "ADMIN", disabledAt: null }, select: { id: true } })
    .catch(() => []);
  for (const admin of admins) await emitEvent(prisma, { accountId: admin.id, type, data }, log);
}
