import { describe, expect, test } from "vitest";
import { parseTrustProxy, type TrustProxy } from "../config/trust-proxy-setting.ts";
import { resolveClient } from "./trust-proxy.ts";

const socket = (address: string, encrypted = false) => ({ address, encrypted });
const spoofed = {
  "x-forwarded-for": "6.6.6.6",
  "fly-client-ip": "7.7.7.7",
  "x-forwarded-proto": "https",
};

describe("parseTrustProxy", () => {
  test.each([
    [undefined, { kind: "none" }],
    ["", { kind: "none" }],
    ["false", { kind: "none" }],
    ["fly", { kind: "fly" }],
    ["10.0.0.1, ::1", { kind: "addresses", addresses: new Set(["10.0.0.1", "::1"]) }],
  ])("%j", (value, expected) => {
    expect(parseTrustProxy(value)).toEqual(expected);
  });

  test.each(["true", "10.0.0.0/8", "proxy.internal", "10.0.0.1,"])("%j is refused", (value) => {
    expect(parseTrustProxy(value)).toHaveProperty("error");
  });
});

describe("resolveClient", () => {
  test("trusting nobody: the socket's peer and scheme, whatever the headers say", () => {
    expect(resolveClient(spoofed, socket("::ffff:192.0.2.1"), { kind: "none" })).toEqual({
      ip: "192.0.2.1",
      proto: "http",
    });
  });

  test("fly: Fly-Client-IP and the proxy's X-Forwarded-Proto", () => {
    expect(resolveClient(spoofed, socket("172.16.0.2"), { kind: "fly" })).toEqual({
      ip: "7.7.7.7",
      proto: "https",
      viaTrustedProxy: true,
    });
    expect(resolveClient({}, socket("172.16.0.2"), { kind: "fly" })).toEqual({
      ip: "172.16.0.2",
      proto: "http",
      viaTrustedProxy: true,
    });
  });

  const proxies: TrustProxy = { kind: "addresses", addresses: new Set(["10.0.0.1", "10.0.0.2"]) };

  test("listed proxies: the nearest X-Forwarded-For hop that is not a proxy", () => {
    const headers = {
      "x-forwarded-for": "6.6.6.6, 198.51.100.9, 10.0.0.2",
      "x-forwarded-proto": "https",
    };
    expect(resolveClient(headers, socket("10.0.0.1"), proxies)).toEqual({
      ip: "198.51.100.9",
      proto: "https",
      viaTrustedProxy: true,
    });
  });

  test("listed proxies: a peer that is not one of them is the client itself", () => {
    expect(resolveClient(spoofed, socket("192.0.2.8"), proxies)).toEqual({
      ip: "192.0.2.8",
      proto: "http",
    });
  });

  test("listed proxies: garbage in X-Forwarded-For stops the walk at the proxy", () => {
    const headers = { "x-forwarded-for": "not-an-ip" };
    expect(resolveClient(headers, socket("10.0.0.1"), proxies).ip).toBe("10.0.0.1");
  });
});
