import { isIP } from "node:net";

// Who the client is, as far as we can know it: the socket's peer, unless that
// peer is a proxy we were told to trust (TRUST_PROXY). Headers a client sends
// itself (X-Forwarded-For, Fly-Client-IP, X-Forwarded-Proto) change nothing
// otherwise, so nobody can pose as another IP or claim https.

export type TrustProxy =
  | { kind: "none" }
  /** Fly.io's edge: Fly-Client-IP and X-Forwarded-Proto are set by Fly's proxy. */
  | { kind: "fly" }
  /** These proxy addresses: X-Forwarded-For's nearest hop that is not one of them is the client. */
  | { kind: "addresses"; addresses: Set<string> };

export interface ClientFacts {
  ip: string;
  proto: "http" | "https";
  /** The request came through a trusted proxy (whose other headers count too). */
  viaTrustedProxy?: boolean;
}

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

type HeaderValue = string | string[] | undefined;

export function resolveClient(
  headers: Record<string, HeaderValue>,
  socket: { address: string | undefined; encrypted: boolean },
  trust: TrustProxy,
): ClientFacts {
  const peer = plainAddress(socket.address ?? "unknown");
  const direct: ClientFacts = { ip: peer, proto: socket.encrypted ? "https" : "http" };
  if (trust.kind === "none") return direct;
  if (trust.kind === "addresses" && !trust.addresses.has(peer)) return direct;
  const proto = lastValue(headers["x-forwarded-proto"])?.toLowerCase();
  const facts: ClientFacts = {
    ...direct,
    proto: proto === "https" || proto === "http" ? proto : direct.proto,
    viaTrustedProxy: true,
  };
  if (trust.kind === "fly") {
    const flyClient = lastValue(headers["fly-client-ip"]);
    return { ...facts, ip: flyClient && isIP(flyClient) ? plainAddress(flyClient) : peer };
  }
  // Walk back from the nearest hop; the first address no trusted proxy owns is the client.
  const hops = listValues(headers["x-forwarded-for"]);
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = plainAddress(hops[i]!);
    if (isIP(hop) === 0) break;
    if (!trust.addresses.has(hop)) return { ...facts, ip: hop };
  }
  return facts;
}

/** "::ffff:10.0.0.1" is 10.0.0.1. */
function plainAddress(address: string) {
  return address.startsWith("::ffff:") && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}

function listValues(value: HeaderValue): string[] {
  const joined = Array.isArray(value) ? value.join(",") : (value ?? "");
  return joined
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean);
}

function lastValue(value: HeaderValue) {
  return listValues(value).at(-1);
}
