// What the browser tests share: a migrated database, the production build
// running as a gateway process in front of the fake OpenAI, one Chromium, and a
// place for screenshots (test-results/). Registers its own beforeAll/afterAll.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import type { FakeProvider } from "#scripts/fake-providers/fake-server.ts";
import type { Prisma } from "../../app/db/prisma.server.ts";
import { launchBrowser } from "./browser.ts";
import type { GatewayProcess } from "./gateway-process.ts";
import { setupGatewayProcesses } from "./setup-gateway.ts";

export const SCREENSHOTS = join(import.meta.dirname, "..", "..", "test-results");

/** A full-page screenshot, test-results/<name>.png. */
export const shot = (page: Page, name: string) =>
  page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });

export function setupBrowserGateway(
  options: {
    prepare?: (prisma: Prisma) => Promise<unknown>;
    /** More environment for the gateway process, read when it starts (SMTP_URL of a test's mail server). */
    env?: () => Record<string, string>;
  } = {},
) {
  const { prisma, fake, gateway } = setupGatewayProcesses({
    prepare: options.prepare,
    env: (fake) => ({
      OPENAI_API_KEY: "sk-fake",
      OPENAI_BASE_URL: fake.baseUrl,
      LOG_LEVEL: "warn",
      ...options.env?.(),
    }),
  });
  const env = { prisma, fake, gateway } as {
    prisma: Prisma;
    fake: FakeProvider;
    gateway: GatewayProcess;
    browser: Browser;
  };
  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    env.browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await env.browser?.close();
  });
  return env;
}
