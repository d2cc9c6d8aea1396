import { clientFacts } from "../http/client-stamp.server.ts";

/**
 * The origin clients use to reach us, for URLs shown to users, cookies' Secure
 * flag and same-origin checks: PUBLIC_URL when set; else the request's host
 * with the scheme the server established (https only on TLS or when a trusted
 * proxy says so, see app/http/trust-proxy.ts).
 */
export function publicOrigin(request: Request) {
  const configured = process.env.PUBLIC_URL?.trim();
  if (configured) return new URL(configured).origin;
  const url = new URL(request.url);
  url.protocol = `${clientFacts(request).proto}:`;
  return url.origin;
}
