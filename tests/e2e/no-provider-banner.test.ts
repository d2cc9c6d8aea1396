// The dashboard of a gateway with no provider key (issue #23, item 1; ADR 042),
// in Chromium against the production build: a banner in the layout says what
// to set, an admin's links to the Providers page, and it goes once a key is added.
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import type { FakeProvider } from "#scripts/fake-providers/fake-server.ts";
import { startFakeOpenAI } from "#scripts/fake-providers/openai.ts";
import { createPrismaClient, type Prisma } from "../../app/db/prisma.server.ts";
import { launchBrowser, overflow } from "../support/browser.ts";
import { SCREENSHOTS, shot } from "../support/browser-gateway.ts";
import { setupTestDatabase } from "../support/database.ts";
import { createUser, TEST_PASSWORD } from "../support/factories.ts";
import { startGateway, type GatewayProcess } from "../support/gateway-process.ts";

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const db = setupTestDatabase();
let prisma: Prisma;
let fake: FakeProvider;
let gateway: GatewayProcess;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  prisma = createPrismaClient(db.url);
  fake = await startFakeOpenAI();
  // No OPENAI_API_KEY nor any other: a first start without keys.
  gateway = await startGateway({
    DATABASE_URL: db.url,
    DATA_DIR: mkdtempSync(join(tmpdir(), "gw-no-provider-ui-")),
    MIGRATE_ON_START: "true", // the catalog and its providers, as a first local start has them
    LOG_LEVEL: "warn",
  });
  browser = await launchBrowser();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await gateway?.stop();
  await fake?.close();
  await prisma?.$disconnect();
});

async function signedInPage(role: "USER" | "ADMIN", viewport = DESKTOP) {
  const user = await createUser(prisma, { role });
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  await page.goto(`${gateway.baseUrl}/login`);
  await page.getByLabel("Email").fill(user.email!);
  await page.getByLabel("Password").fill(TEST_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${gateway.baseUrl}/dashboard`);
  return page;
}

const banner = (page: Page) => page.getByRole("status", { name: "No provider configured" });

test("a user sees what to set, and that an admin can add a key", async () => {
  const page = await signedInPage("USER");
  await banner(page).waitFor({ timeout: 5_000 });
  const text = await banner(page).innerText();
  expect(text).toContain("No provider is configured on this gateway yet");
  expect(text).toMatch(/OPENAI_API_KEY, ANTHROPIC_API_KEY or GEMINI_API_KEY/);
  expect(text).toContain("ask an admin to add a provider key");
  expect(text).toContain("npm run fake-providers");
  expect(await banner(page).getByRole("link").count()).toBe(0);
  // On every dashboard page: it is the layout's.
  await page.goto(`${gateway.baseUrl}/dashboard/keys`);
  expect(await banner(page).isVisible()).toBe(true);
  await shot(page, "no-provider-banner-user-1280");
  await page.context().close();
});

test("the public models page says so too, once, above the prices", async () => {
  const context = await browser.newContext({ viewport: PHONE });
  const page = await context.newPage();
  await page.goto(`${gateway.baseUrl}/models`);
  await banner(page).waitFor({ timeout: 5_000 });
  expect(await page.getByText("GPT-6.2 Sol").isVisible()).toBe(true);
  expect(await page.getByText(/^Not served yet/).count()).toBe(0);
  const box = (await banner(page).boundingBox())!;
  expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width);
  await shot(page, "no-provider-models-390");
  await context.close();
});

test("an admin's banner links to the Providers page; on a phone it fits the screen", async () => {
  for (const [viewport, name] of [
    [DESKTOP, "1280"],
    [PHONE, "390"],
  ] as const) {
    const page = await signedInPage("ADMIN", viewport);
    await banner(page).waitFor({ timeout: 5_000 });
    const box = (await banner(page).boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(viewport.width);
    expect(box.y).toBeLessThan(viewport.height); // seen without scrolling
    await shot(page, `no-provider-banner-admin-${name}`);
    const { extra } = await overflow(page.context(), `${gateway.baseUrl}/dashboard`);
    expect(extra).toBe(0);
    await banner(page).getByRole("link", { name: "Providers page" }).click();
    await page.waitForURL(`${gateway.baseUrl}/dashboard/admin/providers`);
    await page.context().close();
  }
});

test("the banner goes once an admin adds a provider key, without a restart", async () => {
  const page = await signedInPage("ADMIN");
  await banner(page).waitFor({ timeout: 5_000 });
  const request = page.context().request;
  const json = (data: unknown) => ({
    headers: { "content-type": "application/json", origin: gateway.baseUrl },
    data,
  });
  expect(
    (
      await request.put(
        `${gateway.baseUrl}/api/admin/providers/openai`,
        json({ baseUrl: fake.baseUrl }),
      )
    ).status(),
  ).toBe(200);
  expect(
    (
      await request.post(
        `${gateway.baseUrl}/api/admin/providers/openai/keys`,
        json({ apiKey: "sk-added-in-the-browser-test" }),
      )
    ).status(),
  ).toBe(201);
  await expect
    .poll(async () => {
      await page.reload();
      return banner(page).count();
    })
    .toBe(0);
  await shot(page, "no-provider-banner-gone-1280");
  // OpenAI's models are served now; the others are marked on the models page.
  await page.goto(`${gateway.baseUrl}/models`);
  expect(await banner(page).count()).toBe(0);
  const row = (name: string) => page.getByRole("row").filter({ hasText: name });
  expect(
    await row("GPT-6.2 Sol")
      .getByText(/^Not served yet/)
      .count(),
  ).toBe(0);
  expect(
    await row("Claude Sonnet 5.5").getByText("Not served yet: its provider has no key").isVisible(),
  ).toBe(true);
  await shot(page, "no-provider-models-partly-1280");
  await page.context().close();
});
