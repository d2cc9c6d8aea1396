import type { IncomingMessage } from "node:http";
import type { TrustProxy } from "../config/trust-proxy-setting.ts";
import { resolveClient, type ClientFacts } from "./trust-proxy.ts";

// The server decides once, at the socket, who the client is (trust-proxy.ts) and
// writes it into the request's headers under names of its own, replacing any a
// client sent. Loaders and actions read them from any Fetch Request React
// Router makes of it, and never parse proxy headers themselves.

const IP_HEADER = "x-gateway-client-ip";
const PROTO_HEADER = "x-gateway-client-proto";
/** A trusted proxy's X-Request-Id, when it sent a sane one: the gateway uses it as its own. */
export const TRUSTED_REQUEST_ID = "x-gateway-request-id";

export function stampClient(request: IncomingMessage, trust: TrustProxy) {
  const socket = request.socket as IncomingMessage["socket"] & { encrypted?: boolean };
  const facts = resolveClient(
    request.headers,
    { address: socket.remoteAddress, encrypted: socket.encrypted === true },
    trust,
  );
  request.headers[IP_HEADER] = facts.ip;
  request.headers[PROTO_HEADER] = facts.proto;
  const proxyId = facts.viaTrustedProxy ? request.headers["x-request-id"] : undefined;
  if (typeof proxyId === "string" && /^[\w.:-]{1,128}$/.test(proxyId))
    request.headers[TRUSTED_REQUEST_ID] = proxyId;
  else delete request.headers[TRUSTED_REQUEST_ID];
}

/** The scheme stampClient decided, read from the Node request it stamped. */
export const stampedProto = (request: IncomingMessage): "http" | "https" =>
  request.headers[PROTO_HEADER] === "https" ? "https" : "http";

/** The client as the server stamped it; a request that was not stamped counts as one unknown http client. */
export function clientFacts(request: Request): ClientFacts {
  return {
    ip: request.headers.get(IP_HEADER) ?? "unknown",
    proto: request.headers.get(PROTO_HEADER) === "https" ? "https" : "http",
  };
}
