// Sign-ups are counted per client address over an hour (ADR 034): past the
// limit, 429 with Retry-After, and no account. Issue #21, finding 10: one
// address made 194-207 accounts in 10 s, each one more free top-up.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { getAccounts } from "../../app/accounts/accounts.server.ts";
import { createPrismaClient, type Prisma } from "../../app/db/prisma.server.ts";
import * as signupPage from "../../app/routes/signup.tsx";
import { apiClient, startApiHarness } from "../support/api-harness.ts";
import { setupTestDatabase } from "../support/database.ts";

const LIMIT = 3;
const db = setupTestDatabase();
let prisma: Prisma;
/** Trusts nobody: every client is 127.0.0.1, whatever it sends. */
let direct: Awaited<ReturnType<typeof startApiHarness>>;
/** Behind a proxy at 127.0.0.1: X-Forwarded-For names the client. */
let proxied: Awaited<ReturnType<typeof startApiHarness>>;

beforeAll(async () => {
  prisma = createPrismaClient(db.url);
  direct = await startApiHarness(prisma, { signUpsPerAddressPerHour: LIMIT });
  proxied = await startApiHarness(prisma, {
    signUpsPerAddressPerHour: LIMIT,
    trustProxy: { kind: "addresses", addresses: new Set(["127.0.0.1"]) },
  });
});
afterAll(async () => {
  await direct.close();
  await proxied.close();
  await prisma.$disconnect();
  await getAccounts().prisma.$disconnect();
});

let counter = 0;
const email = () => `throttled${++counter}-${Date.now()}@example.test`;
const signUp = (baseUrl: string, headers: Record<string, string> = {}, address = email()) =>
  apiClient(baseUrl).call(
    "POST",
    "/api/auth/sign-up",
    { email: address, password: "long enough password" },
    headers,
  );
const from = (ip: string) => ({ "x-forwarded-for": ip });

describe("from one address", () => {
  test("a burst of sign-ups makes the limit's worth of accounts, the rest get 429 with Retry-After", async () => {
    const before = await prisma.user.count();
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => signUp(proxied.baseUrl, from("203.0.113.10"))),
    );
    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses).toEqual([...Array(LIMIT).fill(201), ...Array(20 - LIMIT).fill(429)]);
    const refused = answers.find((answer) => answer.status === 429)!;
    expect(refused.json.error).toMatchObject({
      type: "rate_limit_error",
      code: "sign_up_throttled",
    });
    expect(refused.json.error.message).toMatch(/Too many sign-ups from this address/);
    const wait = Number(refused.headers.get("retry-after"));
    expect(wait).toBeGreaterThan(3000);
    expect(wait).toBeLessThanOrEqual(3600);
    expect(refused.headers.get("set-cookie")).toBeNull();
    expect(await prisma.user.count()).toBe(before + LIMIT);
  });

  test("another address is not affected", async () => {
    expect((await signUp(proxied.baseUrl, from("203.0.113.11"))).status).toBe(201);
  });

  test("an email that is taken counts as an attempt too (it would tell which emails exist)", async () => {
    const taken = email();
    expect((await signUp(proxied.baseUrl, from("203.0.113.12"), taken)).status).toBe(201);
    for (let i = 1; i < LIMIT; i++)
      expect((await signUp(proxied.baseUrl, from("203.0.113.12"), taken)).status).toBe(409);
    expect((await signUp(proxied.baseUrl, from("203.0.113.12"))).status).toBe(429);
  });

  test("bad input is a 400 and does not count", async () => {
    for (let i = 0; i < LIMIT + 2; i++) {
      const bad = await apiClient(proxied.baseUrl).call(
        "POST",
        "/api/auth/sign-up",
        { email: "not an email", password: "x" },
        from("203.0.113.13"),
      );
      expect(bad.status).toBe(400);
    }
    expect((await signUp(proxied.baseUrl, from("203.0.113.13"))).status).toBe(201);
  });

  test("once an hour has passed since the oldest counted attempt, sign-ups are let in again", async () => {
    for (let i = 0; i < LIMIT; i++)
      expect((await signUp(proxied.baseUrl, from("203.0.113.14"))).status).toBe(201);
    expect((await signUp(proxied.baseUrl, from("203.0.113.14"))).status).toBe(429);
    await prisma.$executeRaw`
      UPDATE sign_up_attempts SET created_at = created_at - interval '61 minutes'
      WHERE address = '203.0.113.14'`;
    expect((await signUp(proxied.baseUrl, from("203.0.113.14"))).status).toBe(201);
  });
});

test("IPv6 addresses of one /64 (one customer's network) share one count", async () => {
  for (let i = 1; i <= LIMIT; i++)
    expect((await signUp(proxied.baseUrl, from(`2001:db8:7:8::${i}`))).status).toBe(201);
  expect((await signUp(proxied.baseUrl, from("2001:db8:7:8:ffff::1"))).status).toBe(429);
  expect((await signUp(proxied.baseUrl, from("2001:db8:7:9::1"))).status).toBe(201);
});

test("without a trusted proxy, X-Forwarded-For changes nothing: the socket's address is counted", async () => {
  for (let i = 0; i < LIMIT; i++)
    expect((await signUp(direct.baseUrl, from(`10.0.0.${i}`))).status).toBe(201);
  expect((await signUp(direct.baseUrl, from("10.9.9.9"))).status).toBe(429);
});

test("the sign-up page says so, with a 429 and Retry-After", async () => {
  process.env.DATABASE_URL = db.url;
  process.env.SESSION_SECRET = "sign-up-throttle-secret".padEnd(40, "x");
  process.env.SIGNUPS_PER_ADDRESS_PER_HOUR = "2";
  const submit = async () => {
    const request = new Request("http://gateway.test/signup", {
      method: "POST",
      // As the HTTP server stamps it (app/http/client-stamp.server.ts).
      headers: { "x-gateway-client-ip": "198.51.100.77" },
      body: new URLSearchParams({ email: email(), password: "long enough password" }),
    });
    try {
      return await signupPage.action({ request, params: {}, context: {} } as never);
    } catch (thrown) {
      return thrown;
    }
  };
  expect(((await submit()) as Response).status).toBe(302);
  expect(((await submit()) as Response).status).toBe(302);
  const refused = (await submit()) as { init: ResponseInit; data: unknown };
  expect(refused.init.status).toBe(429);
  expect(new Headers(refused.init.headers).get("retry-after")).toMatch(/^\d+$/);
  expect(JSON.stringify(refused.data)).toContain("Too many sign-ups from this address");
});
