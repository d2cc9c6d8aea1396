// Writes a browser makes with our cookies must come from our own pages (CSRF).
// A refused one is the client's mistake: a 403 in the API's error shape, logged
// at warn (40), never at error (50), which is for our own failures (issue #21,
// finding 13a). Behind a trusted https proxy (Fly), our own pages' forms get in.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { setupTestDatabase } from "../support/database.ts";
import { startGateway, type GatewayProcess } from "../support/gateway-process.ts";

const db = setupTestDatabase();
let gateway: GatewayProcess;
let cookie: string;
const PASSWORD = "long enough password";

beforeAll(async () => {
  gateway = await startGateway({
    DATABASE_URL: db.url,
    DATA_DIR: mkdtempSync(join(tmpdir(), "gw-origin-")),
    // As on Fly: a proxy in front terminates TLS and says so in X-Forwarded-Proto.
    TRUST_PROXY: "127.0.0.1",
    LOG_LEVEL: "info",
  });
  const signUp = await fetch(`${gateway.baseUrl}/api/auth/sign-up`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: "origin@example.test", password: PASSWORD }),
  });
  expect(signUp.status).toBe(201);
  cookie = signUp.headers.getSetCookie()[0]!.split(";")[0]!;
});
afterAll(() => gateway.stop());

const FORM = "application/x-www-form-urlencoded";

/** The log lines at warn or above written since `before`, once there are some (or after 2 s). */
async function loggedSince(before: number) {
  for (let waited = 0; waited < 2_000; waited += 20) {
    const lines = gateway
      .logLines()
      .slice(before)
      .filter((line) => line.level >= 40);
    if (lines.length > 0) return lines;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return [];
}

describe("client mistakes: a 4xx logged at warn", () => {
  test.each([
    ["a sign-in form from another site", "POST", "/login", "https://evil.example", 403],
    ["a signed-in form from another site", "POST", "/dashboard/keys", "https://evil.example", 403],
    ["a sandboxed frame's form (Origin null)", "POST", "/signup", "null", 403],
    ["an Origin that is not a URL", "POST", "/login", "ht!tp://%%%", 403],
    ["the theme toggle from another site", "POST", "/theme", "https://evil.example", 403],
    ["the JSON API from another site", "POST", "/api/auth/sign-in", "https://evil.example", 403],
  ])("%s: %s %s (Origin %j) -> %i", async (_what, method, path, origin, status) => {
    const before = gateway.logLines().length;
    const response = await fetch(gateway.baseUrl + path, {
      method,
      headers: {
        cookie,
        ...(origin ? { origin } : {}),
        ...(method === "POST" ? { "content-type": FORM } : {}),
      },
      body: method === "POST" ? "intent=create&name=k&email=a%40b.cd&password=x" : undefined,
      redirect: "manual",
    });
    expect(response.status).toBe(status);
    if (status === 403) expect((await response.json()).error.code).toBe("csrf");
    expect((await loggedSince(before)).map((line) => line.level)).toEqual([40]);
  });

  test("a GET of a route that only takes writes: 405 naming its methods, not logged as our failure", async () => {
    const before = gateway.logLines().length;
    const response = await fetch(`${gateway.baseUrl}/api/admin/providers/x`, {
      headers: { cookie },
    });
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toMatch(/POST|PATCH|PUT|DELETE/);
    expect((await response.json()).error.code).toBe("method_not_allowed");
    expect((await loggedSince(before)).filter((line) => line.level >= 50)).toEqual([]);
  });
});

describe("behind a trusted https proxy", () => {
  const signIn = (headers: Record<string, string>) =>
    fetch(`${gateway.baseUrl}/login`, {
      method: "POST",
      headers: { "content-type": FORM, ...headers },
      body: new URLSearchParams({ email: "origin@example.test", password: PASSWORD }),
      redirect: "manual",
    });

  test("our own https page's sign-in form signs in", async () => {
    const response = await signIn({
      "x-forwarded-proto": "https",
      origin: `https://${new URL(gateway.baseUrl).host}`,
    });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/dashboard");
  });

  test("the same host over plain http is another origin: refused", async () => {
    const response = await signIn({
      "x-forwarded-proto": "https",
      origin: `http://${new URL(gateway.baseUrl).host}`,
    });
    expect(response.status).toBe(403);
  });
});

test("none of it was logged as our own failure", () => {
  expect(gateway.logLines().filter((line) => line.level >= 50)).toEqual([]);
});
