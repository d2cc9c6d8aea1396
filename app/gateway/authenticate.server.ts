import { GatewayError } from "../http/gateway-error.ts";
import type { Gateway } from "./gateway.server.ts";
import type { ClientProtocol } from "./protocols/client-protocol.ts";

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
  return key;
}

export const invalidKey = () =>
  new GatewayError(401, "Invalid API key, or the key is disabled or deleted", {
    type: "authentication_error",
    code: "invalid_api_key",
  });
