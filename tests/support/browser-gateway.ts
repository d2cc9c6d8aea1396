// What the browser tests share: a migrated database, the production build
// running as a gateway process in front of the fake OpenAI, one Chromium, and a
// place for screenshots (test-results/). Registers its own beforeAll/afterAll.
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import type { FakeProvider } from "#scripts/fake-providers/fake-server.ts";
import { startFakeOpenAI } from "#scripts/fake-providers/openai.ts";
import { createPrismaClient, type Prisma } from "../../app/db/prisma.server.ts";
import { launchBrowser } from "./browser.ts";
import { setupTestDatabase } from "./database.ts";
import { startGateway, type GatewayProcess } from "./gateway-process.ts";

export const SCREENSHOTS = join(import.meta.dirname, "..", "..", "test-results");

/** A full-page screenshot, test-results/<name>.png. */
export const shot = (page: Page, name: string) =>
  page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });

export function setupBrowserGateway(
  options: {
    prepare?: (prisma: Prisma) => Promise<void>;
    /** More environment for the gateway process, read when it starts (SMTP_URL of a test's mail server). */
    env?: () => Record<string, string>;
  } = {},
) {
  const db = setupTestDatabase();
  const env = {} as {
    prisma: Prisma;
    fake: FakeProvider;
    gateway: GatewayProcess;
    browser: Browser;
  };
  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    env.prisma = createPrismaClient(db.url);
    env.fake = await startFakeOpenAI();
    await options.prepare?.(env.prisma);
    env.gateway = await startGateway({
      DATABASE_URL: db.url,
      DATA_DIR: mkdtempSync(join(tmpdir(), "gw-browser-")),
      OPENAI_API_KEY: "sk-fake",
      OPENAI_BASE_URL: env.fake.baseUrl,
      LOG_LEVEL: "warn",
      ...options.env?.(),
    });
    env.browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await env.browser?.close();
    await env.gateway?.stop();
    await env.fake?.close();
    await env.prisma?.$disconnect();
  });
  return env;
}
