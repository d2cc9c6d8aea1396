// The admin's price sync page (ADR 069) in Chromium against the production build:
// a catalog checked, its differences listed, one ticked and applied; the others
// stay as they were.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, expect, test } from "vitest";
import { usdToMicro } from "../../app/utils/money.ts";
import { setupBrowserGateway, shot } from "../support/browser-gateway.ts";
import { seriousViolations, signUpInBrowser } from "../support/browser.ts";
import { createCatalogEntry } from "../support/factories.ts";

const env = setupBrowserGateway({
  prepare: async (prisma) => {
    for (const slug of ["tracked-a", "tracked-b"])
      await createCatalogEntry(prisma, {
        modelSlug: slug,
        usd: { input: "1.00", cachedInput: "0.10", output: "4.00" },
      });
  },
});

const catalog = createServer((_, response) => {
  response.writeHead(200, { "content-type": "application/json" });
  response.end(
    JSON.stringify({
      data: [
        { id: "openai/tracked-a", pricing: { prompt: "0.0000012", completion: "0.000004" } },
        { id: "openai/tracked-b", pricing: { prompt: "0.000003", completion: "0.000004" } },
      ],
    }),
  );
});
let catalogUrl = "";
beforeAll(async () => {
  await new Promise<void>((resolve) => catalog.listen(0, "127.0.0.1", resolve));
  catalogUrl = `http://127.0.0.1:${(catalog.address() as AddressInfo).port}/api/v1/models`;
});
afterAll(() => new Promise((resolve) => catalog.close(resolve)));

test("an admin checks a catalog, ticks one change and applies it", async () => {
  const page = await env.browser.newPage({ viewport: { width: 1280, height: 900 } });
  const email = `prices-${crypto.randomUUID()}@example.test`;
  await signUpInBrowser(page, env.gateway.baseUrl, email);
  await env.prisma.user.update({ where: { email }, data: { role: "ADMIN" } });
  await page.goto(`${env.gateway.baseUrl}/dashboard/admin`);
  await page.getByRole("link", { name: "price sync" }).click();
  await page.waitForURL(/\/dashboard\/admin\/prices$/);
  await page.getByLabel("Catalog URL").fill(catalogUrl);
  await page.getByRole("button", { name: "Check now" }).click();
  const changes = page.getByRole("table", { name: "Price changes" });
  await expect.poll(() => changes.textContent(), { timeout: 10_000 }).toContain("tracked-a");
  expect(await changes.textContent()).toContain("$1.00 → $1.20");
  expect(await changes.textContent()).toContain("$1.00 → $3.00");
  await shot(page, "price-sync-diff");
  expect(await seriousViolations(page)).toEqual([]);

  await page.getByLabel("Apply the new prices of tracked-a").check();
  await page.getByRole("button", { name: "Apply the ticked lines" }).click();
  await expect
    .poll(() => page.getByRole("status").first().textContent(), { timeout: 10_000 })
    .toMatch(/Applied: 1 price changes/);
  const priceOf = async (slug: string) =>
    (await env.prisma.modelProviderMapping.findFirstOrThrow({ where: { model: { slug } } }))
      .inputPrice;
  expect(await priceOf("tracked-a")).toBe(usdToMicro("1.2"));
  expect(await priceOf("tracked-b")).toBe(usdToMicro("1.00"));
  await page.close();
});
