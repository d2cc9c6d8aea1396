import type { Prisma } from "../../db/prisma.server.ts";
import type { AccountScope } from "../account-scope.server.ts";
import { allowlistSlugs } from "../allowed-models.server.ts";
import { audit } from "../audit-log.server.ts";
import {
  createApiKey,
  deleteApiKey,
  keyScopeOf,
  updateApiKey,
  type KeyRules,
} from "./api-keys.server.ts";
import type { KeyChange } from "./key-rule-loosening.ts";
import { checkGuardrailPatterns } from "../guardrails/guardrail-patterns.server.ts";
import { emitEvent } from "../notifications/events.server.ts";

// What the dashboard's key pages and the JSON API both do to a key: the
// allowlist checked against the catalog, the write in the caller's scope, and
// its audit events. Each caller only parses its own input shape and words the
// errors (UnknownModelsError, KeyRulesLoosenedError) its own way.

/** Who acts, in which account, for the audit log and the key scope. */
export interface KeyActor {
  prisma: Prisma;
  request: Request;
  scope: AccountScope;
}

/** Creates a key in the actor's account (audited); the secret is in this answer only. */
export async function createKey(
  { prisma, request, scope }: KeyActor,
  input: { name: string; creditLimitCredits?: number } & KeyRules,
) {
  checkGuardrailPatterns(input.guardrails);
  const allowedModels = input.allowedModels && (await allowlistSlugs(prisma, input.allowedModels));
  const owner = { accountId: scope.accountId, createdById: scope.userId };
  const created = await createApiKey(prisma, owner, { ...input, allowedModels });
  await audit(prisma, request, {
    action: "key_created",
    actorId: scope.userId,
    subject: created.apiKey.id,
  });
  await emitEvent(prisma, {
    accountId: scope.accountId,
    type: "key.created",
    data: {
      key_id: created.apiKey.id,
      name: created.apiKey.name,
      prefix: created.apiKey.prefix,
      created_by: scope.userId,
    },
  });
  return created;
}

/**
 * Changes a key in the actor's scope; false when there is no such key. Each
 * kind of change leaves its audit event: enabled, content logging, and the
 * rules that were sent (null: cleared).
 */
export async function changeKey(actor: KeyActor, id: string, input: KeyChange) {
  const { prisma, request, scope } = actor;
  checkGuardrailPatterns(input.guardrails);
  const change =
    input.allowedModels === undefined
      ? input
      : { ...input, allowedModels: await allowlistSlugs(prisma, input.allowedModels) };
  if (!(await updateApiKey(prisma, keyScopeOf(scope), id, change))) return false;
  const event = { actorId: scope.userId, subject: id };
  if (change.enabled !== undefined) {
    const action = change.enabled ? "key_enabled" : "key_disabled";
    await audit(prisma, request, { action, ...event });
  }
  if (change.logContent !== undefined) {
    const action = change.logContent ? "content_logging_on" : "content_logging_off";
    await audit(prisma, request, { action, ...event });
  }
  const details = ruleDetails(change);
  if (details) await audit(prisma, request, { action: "key_rules_changed", ...event, details });
  return true;
}

/** Soft-deletes a key in the actor's scope (audited); false when there is no such key. */
export async function revokeKey({ prisma, request, scope }: KeyActor, id: string) {
  if (!(await deleteApiKey(prisma, keyScopeOf(scope), id))) return false;
  await audit(prisma, request, { action: "key_deleted", actorId: scope.userId, subject: id });
  await emitEvent(prisma, {
    accountId: scope.accountId,
    type: "key.revoked",
    data: { key_id: id, revoked_by: scope.userId },
  });
  return true;
}

/** The rules a change sets, as the audit log keeps them; null when it sets none. */
function ruleDetails(change: KeyRules) {
  const { creditLimit, expiresAt, allowedModels, rpmLimit, tpmLimit } = change;
  const { cacheTtlSeconds, guardrails, periodLimit } = change;
  const details = {
    ...(creditLimit === undefined ? {} : { creditLimit: creditLimit?.toString() ?? null }),
    ...(expiresAt === undefined ? {} : { expiresAt: expiresAt?.toISOString() ?? null }),
    ...(allowedModels === undefined ? {} : { allowedModels: allowedModels.join(",") }),
    ...(rpmLimit === undefined ? {} : { rpmLimit }),
    ...(tpmLimit === undefined ? {} : { tpmLimit }),
    ...(cacheTtlSeconds === undefined ? {} : { cacheTtlSeconds }),
    ...(guardrails === undefined ? {} : { guardrails: guardrails && JSON.stringify(guardrails) }),
    ...(periodLimit === undefined
      ? {}
      : {
          periodLimit: periodLimit?.micro.toString() ?? null,
          limitPeriod: periodLimit?.period ?? null,
        }),
  };
  // A rule left undefined adds nothing: no details is no rule changed.
  return Object.keys(details).length === 0 ? null : details;
}
