// PRICE_SYNC_URL on a schedule (ADR 069): a gateway started with it fetches the
// catalog soon after its start and applies on its own only the price changes
// within PRICE_SYNC_MAX_CHANGE_PERCENT; a larger change and a new model wait for
// an admin in the run it keeps.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, expect, test } from "vitest";
import { usdToMicro } from "../../app/utils/money.ts";
import { createCatalogEntry } from "../support/factories.ts";
import { setupGatewayProcesses } from "../support/setup-gateway.ts";

const CATALOG = {
  data: [
    { id: "openai/nudged", pricing: { prompt: "0.00000105", completion: "0.000004" } },
    { id: "openai/doubled", pricing: { prompt: "0.000002", completion: "0.000004" } },
    { id: "openai/brand-new", pricing: { prompt: "0.000001", completion: "0.000004" } },
  ],
};
const server = createServer((_, response) => {
  response.writeHead(200, { "content-type": "application/json" });
  response.end(JSON.stringify(CATALOG));
});
let url = "";
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/models`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

const { prisma } = setupGatewayProcesses({
  prepare: async (prisma) => {
    for (const slug of ["nudged", "doubled"])
      await createCatalogEntry(prisma, {
        modelSlug: slug,
        usd: { input: "1.00", cachedInput: "0.10", output: "4.00" },
      });
  },
  env: (fake) => ({
    OPENAI_API_KEY: "sk-fake",
    OPENAI_BASE_URL: fake.baseUrl,
    LOG_LEVEL: "warn",
    PRICE_SYNC_URL: url,
    PRICE_SYNC_MAX_CHANGE_PERCENT: "10",
  }),
});

test("a 5 % change is applied on its own, a 100 % change and a new model wait for an admin", async () => {
  const priceOf = async (slug: string) =>
    (await prisma.modelProviderMapping.findFirstOrThrow({ where: { model: { slug } } })).inputPrice;
  await expect.poll(() => priceOf("nudged"), { timeout: 15_000 }).toBe(usdToMicro("1.05"));
  await expect.poll(async () => (await prisma.priceSyncRun.findFirst())?.autoApplied).toBe(1);
  const run = await prisma.priceSyncRun.findFirstOrThrow();
  expect(await prisma.priceSyncRun.count()).toBe(1);
  expect(run.appliedAt).toBeNull(); // the rest is still an admin's to approve
  expect(await priceOf("doubled")).toBe(usdToMicro("1.00"));
  expect(await prisma.model.count({ where: { slug: "brand-new" } })).toBe(0);
  const [change] = await prisma.priceChange.findMany({ where: { syncRunId: run.id } });
  expect(change).toMatchObject({ source: "price_sync_auto", actorId: null });
  const audited = await prisma.auditEvent.findFirstOrThrow({ where: { action: "price_changed" } });
  expect(audited).toMatchObject({ actorId: null, ip: "-" });
  expect(audited.details).toMatchObject({ model: "nudged", source: "price_sync_auto" });
});
