// Password reset without a mail server, as a real process starts (ADR 044):
// a local start writes the reset link to its log (a warn line) and the page
// says so; a production start says reset by email is not configured.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { createPrismaClient, type Prisma } from "../app/db/prisma.server.ts";
import { setupTestDatabase } from "./support/database.ts";
import { createUser } from "./support/factories.ts";
import { startGateway, type GatewayProcess } from "./support/gateway-process.ts";

const db = setupTestDatabase();
let prisma: Prisma;
const running: GatewayProcess[] = [];
beforeAll(() => {
  prisma = createPrismaClient(db.url);
});
afterAll(async () => {
  await Promise.all(running.map((gateway) => gateway.stop()));
  await prisma.$disconnect();
});

async function start(env: Record<string, string>) {
  const gateway = await startGateway({
    DATABASE_URL: db.url,
    DATA_DIR: mkdtempSync(join(tmpdir(), "gw-reset-")),
    SESSION_SECRET: "reset-start-secret".padEnd(40, "x"),
    LOG_LEVEL: "info",
    ...env,
  });
  running.push(gateway);
  return gateway;
}

const ask = (gateway: GatewayProcess, email: string) =>
  fetch(`${gateway.baseUrl}/forgot-password`, {
    method: "POST",
    body: new URLSearchParams({ email }),
  });

test("a local start without SMTP_URL logs the reset link at warn, and the page says so", async () => {
  const gateway = await start({});
  const user = await createUser(prisma);
  const answer = await ask(gateway, user.email);
  expect(answer.status).toBe(200);
  const page = await answer.text();
  expect(page).toContain("This gateway has no mail server (SMTP_URL is not set)");

  await expect
    .poll(() => gateway.logLines().find((line) => line.resetLink), { timeout: 5000 })
    .toBeDefined();
  const line = gateway.logLines().find((logged) => logged.resetLink)!;
  expect(line).toMatchObject({ level: 40, email: user.email });
  const link = String(line.resetLink);
  expect(link).toMatch(new RegExp(`^${gateway.baseUrl}/reset-password/[\\w-]{43}$`));
  const resetPage = await fetch(link);
  expect(resetPage.status).toBe(200);
  // The token is in the address: not sent on as a Referer, not kept in a cache.
  expect(resetPage.headers.get("referrer-policy")).toBe("no-referrer");
  expect(resetPage.headers.get("cache-control")).toBe("no-store");
  expect(await resetPage.text()).toContain("Set new password");
});

test("a production start without SMTP_URL says reset by email is not configured, and makes no link", async () => {
  const gateway = await start({ NODE_ENV: "production" });
  const page = await (await fetch(`${gateway.baseUrl}/forgot-password`)).text();
  expect(page).toContain("Password reset by email is not configured on this gateway");
  const user = await createUser(prisma);
  expect((await ask(gateway, user.email)).status).toBe(503);
  expect(await prisma.passwordResetToken.count({ where: { userId: user.id } })).toBe(0);
  expect(gateway.logLines().some((line) => line.resetLink)).toBe(false);
});
