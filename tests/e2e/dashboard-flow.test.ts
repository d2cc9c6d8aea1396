// The whole newcomer flow in a real Chromium against the production build on a
// real PostgreSQL, with the fake OpenAI upstream: sign up, top up, create a key,
// call the gateway with it, see the balance drop, disable the key. Then the same
// forms with JavaScript switched off. Screenshots land in test-results/.
import OpenAI from "openai";
import type { Page } from "playwright-core";
import { expect, test } from "vitest";
import { setupBrowserGateway, shot } from "../support/browser-gateway.ts";
import { creditsToMicro, formatMoney } from "../../app/utils/money.ts";
import { createCatalogEntry } from "../support/factories.ts";
import { signUpInBrowser } from "../support/browser.ts";

const env = setupBrowserGateway({
  prepare: async (prisma) => {
    await createCatalogEntry(prisma, {
      modelSlug: "gpt-e2e",
      usd: { input: "2.00", cachedInput: "0.20", output: "8.00" },
    });
  },
});

const signUp = (page: Page, email: string) => signUpInBrowser(page, env.gateway.baseUrl, email);

async function topUpAndCreateKey(page: Page, prefix: string) {
  await page.getByRole("link", { name: "Credits" }).click();
  await page.waitForURL(/\/dashboard\/credits$/);
  await page.getByRole("button", { name: "Add 1,000 free credits" }).click();
  await expect
    .poll(() => page.getByRole("status").textContent())
    .toBe("Added 1,000.00 credits ($10.00).");
  await shot(page, `${prefix}-credits`);
  await page.getByRole("link", { name: "API keys" }).click();
  await page.waitForURL(/\/dashboard\/keys$/);
  await page.getByLabel("Name").fill("e2e key");
  await page.getByRole("button", { name: "Create key" }).click();
  const secret = (await page.getByTestId("new-secret").textContent({ timeout: 10_000 }))!.trim();
  expect(secret).toMatch(/^gw-[\w-]{40}$/);
  await shot(page, `${prefix}-keys-created`);
  return secret;
}

test("sign up, top up, create a key, call the gateway, watch the balance, disable the key", async () => {
  const page = await env.browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(env.gateway.baseUrl);
  await shot(page, "landing");
  const email = `e2e-${Date.now()}@example.test`;
  await signUp(page, email);
  await shot(page, "overview-empty");
  const secret = await topUpAndCreateKey(page, "js");

  // The secret is shown once: after a reload only its prefix remains.
  await page.reload();
  expect(await page.content()).not.toContain(secret);

  const client = new OpenAI({
    apiKey: secret,
    baseURL: `${env.gateway.baseUrl}/v1`,
    maxRetries: 0,
  });
  const completion = await client.chat.completions.create({
    model: "gpt-e2e",
    messages: [{ role: "user", content: "Hi" }],
  });
  expect(completion.choices[0]!.message.content).toBe("Hello from the fake provider.");
  const seed = await fetch(`${env.gateway.baseUrl}/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      model: "gpt-e2e",
      messages: [{ role: "user", content: "Hi" }],
      apiKey: secret,
    }),
  });
  expect(await seed.text()).toContain("data: [DONE]");

  const user = await env.prisma.user.findUniqueOrThrow({
    where: { email },
    include: { conversations: true },
  });
  expect(user.conversations).toHaveLength(2);
  const spent = user.conversations.reduce((sum, row) => sum + row.cost, 0n);
  expect(spent).toBeGreaterThan(0n);
  expect(user.balance).toBe(creditsToMicro(1000) - spent);

  // The usage page lists both requests with the cost that was charged.
  await page.getByRole("link", { name: "Usage" }).click();
  await page.waitForURL(/\/dashboard\/usage$/);
  const log = page.getByRole("table", { name: "Request log" });
  await expect.poll(() => log.locator("tbody tr").count()).toBe(2);
  const shownCosts = await log.locator("tbody tr td:nth-child(7)").allTextContents();
  const chargedCosts = user.conversations.map((row) =>
    formatMoney(row.cost, { precision: "request" }),
  );
  expect(shownCosts.sort()).toEqual(chargedCosts.sort());
  await shot(page, "usage");

  await page.getByRole("link", { name: "Overview" }).click();
  await page.waitForURL(`${env.gateway.baseUrl}/dashboard`);
  await expect
    .poll(() => page.getByText("Requests, last 30 days").locator("..").textContent())
    .toContain("2");
  // Today's bar is there, in the chart by model (drawn on the server, ADR 043).
  const chart = page.getByRole("img", { name: /^Spend per day by model, last 30 days: gpt-e2e/ });
  const today = new Date().toISOString().slice(0, 10);
  await expect
    .poll(() => chart.locator(`[data-day="${today}"] rect:not([fill="transparent"])`).count())
    .toBeGreaterThan(0);
  await shot(page, "overview-after-calls");
  await page.getByRole("link", { name: "Credits" }).click();
  await expect
    .poll(() => page.getByRole("table").last().textContent())
    .toMatch(/2-<?0\.\d\d credits \(-<?\$0\.\d\d\)/);
  await shot(page, "credits-after-calls");

  // Disable the key in the dashboard: the gateway refuses it within a second.
  await page.getByRole("link", { name: "API keys" }).click();
  await page.getByRole("button", { name: "Disable" }).click();
  await expect.poll(() => page.getByText("disabled", { exact: true }).count()).toBe(1);
  expect(await page.getByRole("status").textContent()).toContain("Key disabled");
  await shot(page, "keys-disabled");
  await expect
    .poll(
      () =>
        client.chat.completions
          .create({ model: "gpt-e2e", messages: [{ role: "user", content: "Hi" }] })
          .then(
            () => 200,
            (error: { status?: number }) => error.status,
          ),
      { timeout: 1000, interval: 50 },
    )
    .toBe(401);
  await page.close();
});

test("a failed action shows its message inside the dashboard, navigation kept", async () => {
  const page = await env.browser.newPage();
  const email = `boundary-${Date.now()}@example.test`;
  await signUp(page, email);
  await topUpAndCreateKey(page, "boundary");
  // The key was deleted in another tab: this page's toggle form names a key that is gone.
  // (Done in the database, not by editing the form: a re-render could put the id back.)
  const { id: userId } = await env.prisma.user.findUniqueOrThrow({ where: { email } });
  await env.prisma.apiKey.updateMany({ where: { userId }, data: { deletedAt: new Date() } });
  await page.getByRole("button", { name: "Disable" }).click();
  const alert = page.getByRole("alert");
  await expect.poll(() => alert.textContent()).toContain("No such API key");
  expect(await alert.getByRole("heading").textContent()).toBe("Not found");
  expect(await page.getByRole("navigation", { name: "Dashboard" }).isVisible()).toBe(true);
  await shot(page, "keys-action-not-found");
  await page.close();
});

test("an admin adds an OpenAI-compatible provider on the Providers page, tests it, switches its key off", async () => {
  const page = await env.browser.newPage({ viewport: { width: 1280, height: 900 } });
  const email = `admin-${Date.now()}@example.test`;
  await signUp(page, email);
  await env.prisma.user.update({ where: { email }, data: { role: "ADMIN" } });
  await page.goto(`${env.gateway.baseUrl}/dashboard/admin/providers`);
  const adding = page.getByRole("region", { name: "Add a provider" });
  await adding.getByLabel("Slug").fill("compat-e2e");
  await adding.getByLabel("Kind").selectOption("openai-compatible");
  await adding.getByLabel("Base URL").fill(env.fake.baseUrl);
  await adding.getByLabel("Upstream key").fill("sk-compat-e2e-0123456789");
  await adding.getByRole("button", { name: "Add provider" }).click();
  await expect
    .poll(() => page.getByRole("status").textContent())
    .toBe("Provider compat-e2e added.");
  // The form starts empty again: the key typed into it is gone from the page.
  expect(await adding.getByLabel("Upstream key").inputValue()).toBe("");
  // A model for it to serve, then one cheap call from the page.
  const { model } = await createCatalogEntry(env.prisma, {
    modelSlug: "compat-e2e-model",
    providerSlug: "compat-e2e",
    upstreamModel: "compat-up",
  });
  expect(model.slug).toBe("compat-e2e-model");
  await expect
    .poll(async () => {
      await page.getByRole("button", { name: "Test compat-e2e" }).click();
      return page.getByRole("status").or(page.getByRole("alert")).first().textContent();
    })
    .toMatch(/^compat-e2e: works \(\d+ ms\)\. compat-up answered\.$/);
  expect(env.fake.scripts.received.at(-1)!.headers.authorization).toBe(
    "Bearer sk-compat-e2e-0123456789",
  );
  const section = page.getByRole("region", { name: "compat-e2e" });
  expect(await section.textContent()).toContain("sk-compa…");
  expect(await page.content()).not.toContain("sk-compat-e2e-0123456789");
  await shot(page, "admin-providers");
  await section.getByRole("button", { name: "Disable key" }).click();
  await expect.poll(() => page.getByRole("status").textContent()).toBe("Key disabled.");
  await page.close();
});

test("the same forms work with JavaScript switched off", async () => {
  const context = await env.browser.newContext({
    javaScriptEnabled: false,
    viewport: { width: 1280, height: 900 },
  });
  const page = await context.newPage();
  await signUp(page, `nojs-${Date.now()}@example.test`);
  const secret = await topUpAndCreateKey(page, "nojs");
  const client = new OpenAI({
    apiKey: secret,
    baseURL: `${env.gateway.baseUrl}/v1`,
    maxRetries: 0,
  });
  const completion = await client.chat.completions.create({
    model: "gpt-e2e",
    messages: [{ role: "user", content: "Hi" }],
  });
  expect(completion.choices[0]!.message.content).toBeTruthy();
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL(`${env.gateway.baseUrl}/`);
  await page.goto(`${env.gateway.baseUrl}/dashboard/keys`);
  expect(page.url()).toContain("/login?redirectTo=%2Fdashboard%2Fkeys");
  await shot(page, "nojs-signed-out");
  await context.close();
});
