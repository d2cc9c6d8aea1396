import { isIP } from "node:net";

// TRUST_PROXY, parsed with the rest of the environment (env.server.ts); what it
// decides about each request's client is app/http/trust-proxy.ts.

export type TrustProxy =
  | { kind: "none" }
  /** Fly.io's edge: Fly-Client-IP and X-Forwarded-Proto are set by Fly's proxy. */
  | { kind: "fly" }
  /** These proxy addresses: X-Forwarded-For's nearest hop that is not one of them is the client. */
  | { kind: "addresses"; addresses: Set<string> };

/** TRUST_PROXY: unset or "false" (trust nobody), "fly", or a comma-separated list of proxy IPs. */
export function parseTrustProxy(value: string | undefined): TrustProxy | { error: string } {
  const text = value?.trim() ?? "";
  if (text === "" || text === "false") return { kind: "none" };
  if (text === "fly") return { kind: "fly" };
  const addresses = text.split(",").map((part) => part.trim());
  if (addresses.some((address) => isIP(address) === 0))
    return { error: 'must be "fly", "false" or a comma-separated list of IP addresses' };
  return { kind: "addresses", addresses: new Set(addresses.map(plainAddress)) };
}

/** "::ffff:10.0.0.1" is 10.0.0.1. */
export function plainAddress(address: string) {
  return address.startsWith("::ffff:") && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}
