import { isIP } from "node:net";
import { plainAddress, type TrustProxy } from "../config/trust-proxy-setting.ts";

// Who the client is, as far as we can know it: the socket's peer, unless that
// peer is a proxy we were told to trust (TRUST_PROXY). Headers a client sends
// itself (X-Forwarded-For, Fly-Client-IP, X-Forwarded-Proto) change nothing
// otherwise, so nobody can pose as another IP or claim https.

export interface ClientFacts {
  ip: string;
  proto: "http" | "https";
  /** The request came through a trusted proxy (whose other headers count too). */
  viaTrustedProxy?: boolean;
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
