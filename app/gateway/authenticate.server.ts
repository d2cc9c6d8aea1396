import { roleCan } from "../accounts/account-scope.server.ts";
import { GatewayError } from "../http/gateway-error.ts";
import type { ActiveApiKey } from "./services/api-key-cache.server.ts";
import type { Gateway } from "./gateway.server.ts";
import type { ClientProtocol } from "../protocols/client-protocol.ts";

/** The gateway key the client sent, or a 401 saying how to send one. */
export async function authenticate(
  gateway: Gateway,
  protocol: ClientProtocol,
  secret: string | undefined,
) {
  if (!secret) {
    throw new GatewayError(401, protocol.missingKeyMessage, {
      type: "authentication_error",
      code: "missing_api_key",
    });
  }
  const key = await gateway.keys.lookup(secret);
  if (!key) throw invalidKey();
  if (key.expiresAt && key.expiresAt.getTime() <= Date.now())
    throw new GatewayError(401, `The API key expired on ${key.expiresAt.toISOString()}`, {
      type: "authentication_error",
      code: "api_key_expired",
    });
  const refused = creatorRefusal(key);
  if (refused) throw refused;
  return key;
}

/**
 * A 403 when the key is a team's and the member who made it may no longer
 * spend (a viewer, or out of the team); undefined when it may. Their role is
 * cached with the key, so this costs a request nothing (ADR 033).
 */
export function creatorRefusal(
  key: Pick<ActiveApiKey, "userId" | "createdById" | "creatorRole">,
): GatewayError | undefined {
  const personal = key.userId === key.createdById;
  if (personal || (key.creatorRole && roleCan(key.creatorRole, "spend"))) return undefined;
  const role = key.creatorRole?.toLowerCase();
  const why = role
    ? `is a ${role} in the team now, and ${role}s may not spend its credits; a team owner can make them a member again`
    : "is no longer in the team";
  return new GatewayError(403, `The member who made this API key ${why}`, {
    type: "permission_error",
    code: "key_creator_cannot_spend",
  });
}

/** A 403 unless the key may use every one of these models (its allowlist is empty, or has them). */
export function checkModelsAllowed(key: ActiveApiKey, slugs: string[], param = "model") {
  if (key.allowedModels.length === 0) return;
  const refused = slugs.find((slug) => !key.allowedModels.includes(slug));
  if (refused)
    throw new GatewayError(403, `This API key may not use the model '${refused}'`, {
      type: "permission_error",
      code: "model_not_allowed",
      param,
    });
}

export const invalidKey = () =>
  new GatewayError(401, "Invalid API key, or the key is disabled or deleted", {
    type: "authentication_error",
    code: "invalid_api_key",
  });
