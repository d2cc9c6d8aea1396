// The Admin page's models (issue #23, the admin rework), in Chromium against the
// production build: one readable table with a search, and one edit form per
// model whose bad price answers beside its field with what was typed kept, at
// 1280 px and on a 390 px phone; a good price is stored exactly and charged from
// the next request. Screenshots land in test-results/admin-models-*.png.
import OpenAI from "openai";
import type { Page } from "playwright-core";
import { expect, test } from "vitest";
import { setupBrowserGateway, shot } from "../support/browser-gateway.ts";
import { hiddenContent } from "../support/browser.ts";
import {
  createApiKey,
  createCatalogEntry,
  createUser,
  TEST_PASSWORD,
} from "../support/factories.ts";
import { usdToMicro } from "../../app/utils/money.ts";

const env = setupBrowserGateway({
  prepare: async (prisma) => {
    await createCatalogEntry(prisma, {
      modelSlug: "gpt-admin-priced",
      usd: { input: "1.00", cachedInput: "0.10", output: "4.00" },
    });
    await createCatalogEntry(prisma, { modelSlug: "gpt-admin-other" });
  },
});

const url = (path: string) => env.gateway.baseUrl + path;
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

async function adminPage(viewport: { width: number; height: number }) {
  const admin = await createUser(env.prisma, { role: "ADMIN" });
  const page = await env.browser.newPage({ viewport });
  await page.goto(url("/login"));
  await page.getByLabel("Email").fill(admin.email);
  await page.getByLabel(/^Password/).fill(TEST_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(url("/dashboard"));
  return page;
}

/** Opens the model's edit form from the Admin page's table, found through its search. */
async function openEditor(page: Page, slug: string) {
  await page.goto(url("/dashboard/admin"));
  const search = page.getByRole("searchbox", { name: "Search models" });
  await search.fill(slug);
  await search.press("Enter");
  await page.waitForURL(/[?&]q=/);
  const table = page.getByRole("table", { name: "Models" });
  // The heading row and the model's.
  await expect.poll(() => table.getByRole("row").count()).toBe(2);
  await table.getByRole("link", { name: `Edit ${slug}` }).click();
  await page.waitForURL(url(`/dashboard/admin/models/${slug}`));
  return page.getByRole("form", { name: `Edit ${slug}` });
}

for (const [name, viewport] of [
  ["desktop", DESKTOP],
  ["phone", PHONE],
] as const) {
  test(`a bad price answers beside its field, what was typed kept (${name})`, async () => {
    const page = await adminPage(viewport);
    await page.goto(url("/dashboard/admin"));
    await shot(page, `admin-models-table-${name}`);
    if (name === "phone") expect(await hiddenContent(page)).toEqual([]);
    const form = await openEditor(page, "gpt-admin-priced");
    const input = form.getByLabel("Input price (US$ per 1M tokens)", { exact: true });
    await input.fill("1,5");
    await form.getByLabel("Max output tokens").fill("8192");
    // As a script-less or hurried submit arrives: the server answers, not only the browser.
    await page.evaluate(() =>
      document.querySelectorAll("form").forEach((element) => (element.noValidate = true)),
    );
    await form.getByRole("button", { name: "Save gpt-admin-priced" }).click();
    await expect
      .poll(() => form.getByText(/Enter dollars per 1M tokens/).isVisible(), { timeout: 10_000 })
      .toBe(true);
    await shot(page, `admin-models-bad-price-${name}`);
    expect(await input.getAttribute("aria-invalid")).toBe("true");
    expect(await input.inputValue()).toBe("1,5");
    expect(await form.getByLabel("Max output tokens").inputValue()).toBe("8192");
    expect(await page.getByText("That request was not valid").count()).toBe(0);
    // The message sits beside its field: right under it, not above the page.
    const field = (await input.boundingBox())!;
    const message = (await form.getByText(/Enter dollars per 1M tokens/).boundingBox())!;
    expect(message.y).toBeGreaterThanOrEqual(field.y + field.height - 1);
    expect(message.y - (field.y + field.height)).toBeLessThan(24);
    if (name === "phone") expect(await hiddenContent(page)).toEqual([]);
    const stored = await env.prisma.model.findUniqueOrThrow({
      where: { slug: "gpt-admin-priced" },
      include: { mappings: true },
    });
    expect(stored.mappings[0]!.inputPrice).toBe(usdToMicro("1.00"));
    expect(stored.maxOutputTokens).toBe(16_384);
    await page.close();
  });
}

test("a good price is stored exactly and charged from the next request on", async () => {
  const user = await createUser(env.prisma, { credits: 100 });
  const { secret } = await createApiKey(env.prisma, user.id);
  const client = new OpenAI({ apiKey: secret, baseURL: url("/v1"), maxRetries: 0 });
  const ask = () =>
    client.chat.completions.create({
      model: "gpt-admin-priced",
      messages: [{ role: "user", content: "Hi" }],
      max_completion_tokens: 20,
    });
  await ask(); // the gateway has the catalog cached now

  const page = await adminPage(DESKTOP);
  const form = await openEditor(page, "gpt-admin-priced");
  await form.getByLabel("Input price (US$ per 1M tokens)", { exact: true }).fill("1.25");
  await form.getByLabel("Cached input price (US$ per 1M tokens)").fill("0.125");
  await form.getByLabel("Output price (US$ per 1M tokens)").fill("6.12345678");
  await form.getByRole("button", { name: "Save gpt-admin-priced" }).click();
  await expect
    .poll(() => page.getByRole("status").textContent(), { timeout: 10_000 })
    .toMatch(/Saved gpt-admin-priced/);
  await shot(page, "admin-models-saved-desktop");
  const { mappings } = await env.prisma.model.findUniqueOrThrow({
    where: { slug: "gpt-admin-priced" },
    include: { mappings: true },
  });
  expect(mappings[0]).toMatchObject({
    inputPrice: usdToMicro("1.25"),
    cachedInputPrice: usdToMicro("0.125"),
    outputPrice: usdToMicro("6.12345678"),
    enabled: true,
  });
  // What was saved is what the form shows again.
  expect(await form.getByLabel("Output price (US$ per 1M tokens)").inputValue()).toBe("6.12345678");
  // The next request is charged at the new price (the catalog reloads on every instance).
  await expect
    .poll(
      async () => {
        await ask();
        const last = await env.prisma.conversation.findFirstOrThrow({
          where: { userId: user.id },
          orderBy: { id: "desc" },
        });
        return last.outputPrice;
      },
      { timeout: 10_000 },
    )
    .toBe(usdToMicro("6.12345678"));
  await page.close();
});

for (const [name, viewport] of [
  ["desktop", DESKTOP],
  ["phone", PHONE],
] as const) {
  test(`the Providers page's forms answer beside their fields, what was typed kept (${name})`, async () => {
    const page = await adminPage(viewport);
    await page.goto(url("/dashboard/admin/providers"));
    await page.evaluate(() =>
      document.querySelectorAll("form").forEach((element) => (element.noValidate = true)),
    );
    // A slug that is taken: only the server knows, and says so beside the slug.
    const adding = page.getByRole("region", { name: "Add a provider" });
    await adding.getByLabel("Slug").fill("openai");
    await adding.getByLabel("Kind").selectOption("openai");
    await adding.getByLabel("Name (optional)").fill("A second OpenAI");
    await adding.getByRole("button", { name: "Add provider" }).click();
    const taken = adding.getByText("A provider 'openai' exists already");
    await expect.poll(() => taken.isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await adding.getByLabel("Slug").getAttribute("aria-invalid")).toBe("true");
    expect(await adding.getByLabel("Name (optional)").inputValue()).toBe("A second OpenAI");
    // A compatible provider without its base URL: said beside the base URL.
    await adding.getByLabel("Slug").fill("groq");
    await adding.getByLabel("Kind").selectOption("openai-compatible");
    await adding.getByRole("button", { name: "Add provider" }).click();
    await expect
      .poll(() => adding.getByText("An OpenAI-compatible provider needs its base URL").isVisible())
      .toBe(true);
    expect(await adding.getByLabel("Slug").inputValue()).toBe("groq");
    await shot(page, `admin-providers-add-errors-${name}`);

    // A key too short for the provider: beside the key field, in the provider's own section.
    const openai = page.getByRole("region", { name: "openai" });
    await openai.getByLabel("New key for openai").fill("short");
    await openai.getByRole("button", { name: "Add key" }).click();
    await expect
      .poll(() => openai.getByText("A key has at least 8 characters").isVisible())
      .toBe(true);
    // A bad import price: beside the price, the other kept.
    await openai.getByLabel("Input price").fill("0,5");
    await openai.getByLabel("Output price").fill("1.5");
    await openai.getByRole("button", { name: "Import models" }).click();
    await expect
      .poll(() => openai.getByText("Enter US dollars per 1M tokens, e.g. 0.59").isVisible())
      .toBe(true);
    expect(await openai.getByLabel("Input price").inputValue()).toBe("0,5");
    expect(await openai.getByLabel("Output price").inputValue()).toBe("1.5");
    // A bad timeout in the edit form: the form stays open with the error beside the field.
    await openai.getByText("Edit openai").click();
    await openai.getByLabel("Between two parts").fill("0");
    await openai.getByRole("button", { name: "Save openai" }).click();
    await expect.poll(() => openai.getByText("At least 1 second").isVisible()).toBe(true);
    expect(await openai.getByLabel("Between two parts").inputValue()).toBe("0");
    await shot(page, `admin-providers-errors-${name}`);
    expect(await page.getByText("That request was not valid").count()).toBe(0);
    if (name === "phone") expect(await hiddenContent(page)).toEqual([]);
    expect(await env.prisma.provider.count({ where: { slug: "groq" } })).toBe(0);
    await page.close();
  });
}
