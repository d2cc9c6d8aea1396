import type { IncomingMessage } from "node:http";
import { expect, test } from "vitest";
import { clientFacts, stampClient, TRUSTED_REQUEST_ID } from "./client-stamp.server.ts";
import type { TrustProxy } from "../config/trust-proxy-setting.ts";

const incoming = (address: string, headers: Record<string, string>) =>
  ({ headers: { ...headers }, socket: { remoteAddress: address } }) as unknown as IncomingMessage;

const asFetch = (request: IncomingMessage) =>
  new Request("http://gateway.test/", { headers: request.headers as Record<string, string> });

test("a client's own stamp headers are replaced, and its X-Request-Id is not taken", () => {
  const request = incoming("192.0.2.1", {
    "x-gateway-client-ip": "10.9.9.9",
    "x-gateway-client-proto": "https",
    [TRUSTED_REQUEST_ID]: "forged",
    "x-request-id": "client-chosen",
  });
  stampClient(request, { kind: "none" });
  expect(clientFacts(asFetch(request))).toEqual({ ip: "192.0.2.1", proto: "http" });
  expect(request.headers[TRUSTED_REQUEST_ID]).toBeUndefined();
});

test("a trusted proxy's X-Request-Id is kept when sane", () => {
  const trust: TrustProxy = { kind: "addresses", addresses: new Set(["10.0.0.1"]) };
  const sane = incoming("10.0.0.1", {
    "x-request-id": "req_abc-123",
    "x-forwarded-for": "198.51.100.7",
  });
  stampClient(sane, trust);
  expect(sane.headers[TRUSTED_REQUEST_ID]).toBe("req_abc-123");
  expect(clientFacts(asFetch(sane)).ip).toBe("198.51.100.7");
  const odd = incoming("10.0.0.1", { "x-request-id": "has spaces and <html>" });
  stampClient(odd, trust);
  expect(odd.headers[TRUSTED_REQUEST_ID]).toBeUndefined();
});
