// Failed sign-ins slow down the one who fails, never everyone: per client IP,
// per (email, IP), and a per-email ceiling that a known device passes. Client
// IPs come from the socket unless a trusted proxy says otherwise.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { LIMITS, SLOW_DOWN_MS } from "../../app/accounts/login-throttle.server.ts";
import { apiClient, startApiHarness } from "../support/api-harness.ts";
import { setupTestPrisma } from "../support/test-prisma.ts";

const { prisma } = setupTestPrisma();
/** Trusts nobody: every client here is 127.0.0.1, whatever headers it sends. */
let direct: Awaited<ReturnType<typeof startApiHarness>>;
/** Behind a proxy at 127.0.0.1: X-Forwarded-For names the client. */
let proxied: Awaited<ReturnType<typeof startApiHarness>>;

beforeAll(async () => {
  direct = await startApiHarness(prisma);
  proxied = await startApiHarness(prisma, {
    trustProxy: { kind: "addresses", addresses: new Set(["127.0.0.1"]) },
  });
});
afterAll(async () => {
  await direct.close();
  await proxied.close();
});

const PASSWORD = "long enough password";
let counter = 0;
async function account() {
  const email = `throttle${++counter}-${Date.now()}@example.test`;
  const response = await apiClient(direct.baseUrl).call("POST", "/api/auth/sign-up", {
    email,
    password: PASSWORD,
  });
  expect(response.status).toBe(201);
  return email;
}

const from = (ip: string) => ({ "x-forwarded-for": ip });
const signIn = (
  client: ReturnType<typeof apiClient>,
  email: string,
  password: string,
  headers: Record<string, string> = {},
) => client.call("POST", "/api/auth/sign-in", { email, password }, headers);

describe("behind a trusted proxy", () => {
  test("ten wrong passwords for a victim from one address do not lock the victim out elsewhere", async () => {
    const victim = await account();
    const attacker = apiClient(proxied.baseUrl);
    for (let i = 0; i < LIMITS.perEmailAndIp; i++)
      expect((await signIn(attacker, victim, `wrong ${i}`, from("203.0.113.7"))).status).toBe(401);
    const refused = await signIn(attacker, victim, PASSWORD, from("203.0.113.7"));
    expect(refused.status).toBe(429);
    expect(refused.json.error.code).toBe("sign_in_throttled");
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    // The owner, elsewhere, is not affected.
    const owner = await signIn(apiClient(proxied.baseUrl), victim, PASSWORD, from("198.51.100.20"));
    expect(owner.status).toBe(200);
  });

  test("an address that fails for many emails is refused for all of them, and only that address", async () => {
    const someone = await account();
    await prisma.loginFailure.createMany({
      data: Array.from({ length: LIMITS.perIp }, (_, i) => ({
        email: `guess${i}@example.test`,
        ip: "203.0.113.50",
      })),
    });
    const scanner = await signIn(
      apiClient(proxied.baseUrl),
      someone,
      PASSWORD,
      from("203.0.113.50"),
    );
    expect(scanner.status).toBe(429);
    const other = await signIn(apiClient(proxied.baseUrl), someone, PASSWORD, from("203.0.113.51"));
    expect(other.status).toBe(200);
  });

  test("past the per-email ceiling, unknown devices are slowed down and a known device is not", async () => {
    const victim = await account();
    // The owner's browser signed in before: it holds the device cookie.
    const ownersBrowser = apiClient(proxied.baseUrl);
    expect((await signIn(ownersBrowser, victim, PASSWORD, from("198.51.100.30"))).status).toBe(200);
    expect(ownersBrowser.cookie()).toMatch(/gw_device=/);
    // A botnet: the ceiling's worth of failures from many addresses, the last just now.
    await prisma.loginFailure.createMany({
      data: Array.from({ length: LIMITS.perEmail }, (_, i) => ({
        email: victim,
        ip: `192.0.2.${i % 200}`,
      })),
    });
    const newDevice = await signIn(
      apiClient(proxied.baseUrl),
      victim,
      PASSWORD,
      from("198.51.100.31"),
    );
    expect(newDevice.status).toBe(429);
    const wait = Number(newDevice.headers.get("retry-after"));
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(SLOW_DOWN_MS / 1000);
    expect((await signIn(ownersBrowser, victim, PASSWORD, from("198.51.100.32"))).status).toBe(200);
    // Once the slow-down interval has passed since the last failure, a new device may try again.
    await prisma.loginFailure.updateMany({
      where: { email: victim },
      data: { createdAt: new Date(Date.now() - SLOW_DOWN_MS - 1000) },
    });
    const later = await signIn(apiClient(proxied.baseUrl), victim, PASSWORD, from("198.51.100.33"));
    expect(later.status).toBe(200);
  });

  test("the device cookie proves only the email it was earned with", async () => {
    const first = await account();
    const second = await account();
    const browser = apiClient(proxied.baseUrl);
    expect((await signIn(browser, first, PASSWORD, from("198.51.100.40"))).status).toBe(200);
    await prisma.loginFailure.createMany({
      data: Array.from({ length: LIMITS.perEmail }, (_, i) => ({
        email: second,
        ip: `192.0.2.${i % 200}`,
      })),
    });
    expect((await signIn(browser, second, PASSWORD, from("198.51.100.41"))).status).toBe(429);
  });
});

describe("without a trusted proxy", () => {
  test("X-Forwarded-For and Fly-Client-IP from a client change nothing: its failures stay its own", async () => {
    const victim = await account();
    const attacker = apiClient(direct.baseUrl);
    for (let i = 0; i < LIMITS.perEmailAndIp; i++) {
      const spoofed = { "x-forwarded-for": `10.0.0.${i}`, "fly-client-ip": `10.0.1.${i}` };
      expect((await signIn(attacker, victim, `wrong ${i}`, spoofed)).status).toBe(401);
    }
    const refused = await signIn(attacker, victim, PASSWORD, { "x-forwarded-for": "10.9.9.9" });
    expect(refused.status).toBe(429);
    const recorded = await prisma.loginFailure.findMany({ where: { email: victim } });
    expect(new Set(recorded.map((row) => row.ip))).toEqual(new Set(["127.0.0.1"]));
  });
});

describe("cookies' Secure flag", () => {
  const cookiesAfterSignIn = async (baseUrl: string, headers: Record<string, string>) => {
    const email = await account();
    const response = await fetch(`${baseUrl}/api/auth/sign-in`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify({ email, password: PASSWORD }),
    });
    expect(response.status).toBe(200);
    return response.headers.getSetCookie();
  };

  test("a client's own X-Forwarded-Proto does not make them Secure", async () => {
    const cookies = await cookiesAfterSignIn(direct.baseUrl, { "x-forwarded-proto": "https" });
    expect(cookies).toHaveLength(2);
    for (const cookie of cookies) expect(cookie).not.toMatch(/;\s*Secure/i);
  });

  test("a trusted proxy's X-Forwarded-Proto: https does", async () => {
    const cookies = await cookiesAfterSignIn(proxied.baseUrl, { "x-forwarded-proto": "https" });
    expect(cookies).toHaveLength(2);
    for (const cookie of cookies) expect(cookie).toMatch(/;\s*Secure/i);
  });
});
