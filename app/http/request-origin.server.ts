import { publicUrlSetting } from "../config/live-settings.server.ts";
import { clientFacts } from "./client-stamp.server.ts";

/**
 * The origin clients use to reach us, for URLs shown to users, cookies' Secure
 * flag and same-origin checks: PUBLIC_URL when set; else the request's host
 * with the scheme the server established (https only on TLS or when a trusted
 * proxy says so, see app/http/trust-proxy.ts).
 */
export function publicOrigin(request: Request) {
  return publicOriginFor(new URL(request.url).host, clientFacts(request).proto);
}

/** The same for a request before it is a Fetch Request: its Host and its stamped scheme. */
export function publicOriginFor(host: string, proto: "http" | "https") {
  const configured = publicUrlSetting();
  if (configured) return new URL(configured).origin;
  return new URL(`${proto}://${host}`).origin;
}
