// The Models list and a model's page (issue #28, part 2; ADR 071) in Chromium
// against the production build, on a desktop and a phone, with JavaScript off
// and on: search, a filter and an order through the GET form, a name leading to
// its page, whose numbers are those of the seeded usage; axe clean, nothing off
// the screen, screenshots in test-results/.
import type { Page } from "playwright-core";
import { expect, test } from "vitest";
import { setupBrowserGateway, shot } from "../support/browser-gateway.ts";
import { hiddenContent, seriousViolations } from "../support/browser.ts";
import { createCatalogEntry } from "../support/factories.ts";
import { seedModelUsage } from "../support/model-usage.ts";

const env = setupBrowserGateway({
  prepare: async (prisma) => {
    const { mapping } = await createCatalogEntry(prisma, {
      modelSlug: "measured-model",
      usd: { input: "1.00", cachedInput: "0.10", output: "4.00" },
    });
    await seedModelUsage(prisma, {
      id: mapping.id,
      modelSlug: "measured-model",
      providerSlug: "openai",
    });
    await createCatalogEntry(prisma, {
      modelSlug: "cheap-model",
      usd: { input: "0.25", cachedInput: "0.025", output: "2.00" },
    });
    await createCatalogEntry(prisma, {
      modelSlug: "pricey-model-with-a-rather-long-slug",
      usd: { input: "15.00", cachedInput: "1.50", output: "75.00" },
    });
  },
});

const VIEWPORTS = {
  desktop: { width: 1280, height: 900 },
  phone: { width: 390, height: 844 },
};

/** The model slugs the list shows, in order. */
const listed = (page: Page) =>
  page
    .locator('table[aria-label="Models"] tbody tr code')
    .evaluateAll((codes) => codes.map((code) => code.textContent));

const tableText = (page: Page, label: string) =>
  page.locator(`table[aria-label="${label}"]`).innerText();

for (const [device, viewport] of Object.entries(VIEWPORTS))
  for (const javaScriptEnabled of [false, true])
    test(`${device}, JavaScript ${javaScriptEnabled ? "on" : "off"}: find a model, open its page, read its numbers`, async () => {
      const context = await env.browser.newContext({ viewport, javaScriptEnabled });
      const page = await context.newPage();
      const name = `models-${device}-js-${javaScriptEnabled ? "on" : "off"}`;
      const base = env.gateway.baseUrl;
      await page.goto(`${base}/models`);
      expect(await listed(page)).toEqual([
        "cheap-model",
        "measured-model",
        "pricey-model-with-a-rather-long-slug",
      ]);
      await shot(page, `${name}-list`);
      // axe runs as a script: with JavaScript off there is none (the same pages are checked with it on).
      if (javaScriptEnabled) expect(await seriousViolations(page)).toEqual([]);
      expect(await hiddenContent(page)).toEqual([]);

      // Order by output price and keep those under US$2 of input per 1M.
      await page.getByLabel("Sort by").selectOption("output");
      await page.getByLabel("Max input price (US$ per 1M)").fill("2");
      await page.getByRole("button", { name: "Apply" }).click();
      await page.waitForURL(/maxInput=2/);
      await expect.poll(() => listed(page)).toEqual(["cheap-model", "measured-model"]);
      expect(await page.getByText("2 of 3 models").count()).toBe(1);
      // Context largest first, by name: a search for "MEASURED" finds one.
      await page.getByRole("link", { name: "Clear" }).click();
      await page.waitForURL(`${base}/models`);
      await page.getByLabel("Search").fill("MEASURED");
      await page.getByRole("button", { name: "Apply" }).click();
      await page.waitForURL(/q=MEASURED/);
      await expect.poll(() => listed(page)).toEqual(["measured-model"]);
      await shot(page, `${name}-search`);

      await page.getByRole("link", { name: "measured-model", exact: true }).click();
      await page.waitForURL(`${base}/models/measured-model`);
      // With JavaScript the address changes a moment before the page is drawn.
      await page.getByRole("heading", { level: 1, name: "measured-model" }).waitFor();
      expect(await tableText(page, "Last 7 days")).toMatch(
        /4[\s\S]*200 ms[\s\S]*20 ms[\s\S]*25\.0%/,
      );
      expect(await tableText(page, "Last 30 days")).toMatch(
        /6[\s\S]*300 ms[\s\S]*30 ms[\s\S]*33\.3%/,
      );
      expect(await tableText(page, "Providers and prices")).toMatch(/\$1\.00[\s\S]*\$4\.00/);
      expect(await page.getByRole("link", { name: "Try in playground" }).getAttribute("href")).toBe(
        "/dashboard/playground?models=measured-model",
      );
      await shot(page, `${name}-page`);
      // axe runs as a script: with JavaScript off there is none (the same pages are checked with it on).
      if (javaScriptEnabled) expect(await seriousViolations(page)).toEqual([]);
      expect(await hiddenContent(page)).toEqual([]);
      await context.close();
    });

test("an unknown model's address is the 404 page", async () => {
  const page = await env.browser.newPage();
  const response = await page.goto(`${env.gateway.baseUrl}/models/openai/no-such-model`);
  expect(response?.status()).toBe(404);
  expect(await page.getByRole("heading", { level: 1 }).innerText()).toBe("Page not found");
  await page.close();
});
