// Guardrails on the dashboard (ADR 067), in Chromium against the production
// build: a key's page sets them (a pattern that cannot run in linear time is
// answered beside its field, what was typed kept), and the key's next requests
// obey them; without JavaScript, on a phone, a team's page answers the same way.
// Screenshots land in test-results/guardrails-*.png.
import OpenAI from "openai";
import { expect, test } from "vitest";
import { setupBrowserGateway, shot } from "../support/browser-gateway.ts";
import { seriousViolations, signUpInBrowser } from "../support/browser.ts";
import { createCatalogEntry } from "../support/factories.ts";

const env = setupBrowserGateway({
  prepare: (prisma) => createCatalogEntry(prisma, { modelSlug: "gpt-guarded" }),
});

const url = (path: string) => env.gateway.baseUrl + path;

test("a key's guardrails set on its page: refused pattern answered in place, then saved and obeyed", async () => {
  const page = await env.browser.newPage({ viewport: { width: 1280, height: 900 } });
  await signUpInBrowser(page, env.gateway.baseUrl, `guard-${crypto.randomUUID()}@example.test`);
  await page.goto(url("/dashboard/credits"));
  await page.getByRole("button", { name: "Add 1,000 free credits" }).click();
  await expect.poll(() => page.getByRole("status").textContent()).toMatch(/Added/);
  await page.goto(url("/dashboard/keys"));
  await page.getByLabel("Name").fill("guarded key");
  await page.getByRole("button", { name: "Create key" }).click();
  const secret = (await page.getByTestId("new-secret").textContent({ timeout: 10_000 }))!.trim();
  await page.getByRole("link", { name: "guarded key", exact: true }).click();
  await page.waitForURL(/\/dashboard\/keys\/[0-9a-f-]{36}$/);

  const card = page.locator("#guardrails");
  await card.getByLabel("Never these providers").fill("google");
  await card.getByLabel("E-mail addresses").selectOption("redact");
  await card
    .getByLabel(/Custom rules/)
    .fill("codename | project[ -]x | block\nbad | (a)\\1 | block");
  await card.getByRole("button", { name: "Save guardrails" }).click();
  await expect
    .poll(() => card.getByText(/rule 'bad' cannot run in linear time/).isVisible(), {
      timeout: 10_000,
    })
    .toBe(true);
  await shot(page, "guardrails-key-refused-pattern");
  expect(await card.getByLabel("Never these providers").inputValue()).toBe("google");
  expect(await card.getByLabel("E-mail addresses").inputValue()).toBe("redact");

  await card.getByLabel(/Custom rules/).fill("codename | project[ -]x | block");
  await card.getByRole("button", { name: "Save guardrails" }).click();
  await expect
    .poll(() => page.getByRole("status").textContent(), { timeout: 10_000 })
    .toMatch(/Guardrails saved/);
  await expect
    .poll(() => card.textContent())
    .toContain("Now: never google · redacts email · blocks codename");
  await shot(page, "guardrails-key-saved");
  expect(await seriousViolations(page)).toEqual([]);

  const client = new OpenAI({ apiKey: secret, baseURL: `${url("/v1")}`, maxRetries: 0 });
  const blocked = await client.chat.completions
    .create({ model: "gpt-guarded", messages: [{ role: "user", content: "about project x" }] })
    .catch((error: unknown) => error);
  expect(blocked).toBeInstanceOf(OpenAI.BadRequestError);
  env.fake.scripts.received.length = 0;
  await client.chat.completions.create({
    model: "gpt-guarded",
    messages: [{ role: "user", content: "write to me@example.com" }],
  });
  expect(JSON.stringify(env.fake.scripts.received[0]!.body)).toContain("write to [REDACTED:email]");
  await page.close();
});

test("without JavaScript, on a phone: a team's guardrails form answers in the page and saves", async () => {
  const context = await env.browser.newContext({
    javaScriptEnabled: false,
    viewport: { width: 390, height: 844 },
  });
  const page = await context.newPage();
  await signUpInBrowser(
    page,
    env.gateway.baseUrl,
    `guard-nojs-${crypto.randomUUID()}@example.test`,
  );
  await page.goto(url("/dashboard/teams"));
  await page.getByLabel("New team’s name").fill("Guarded team");
  await page.getByLabel(/Work in it now/).check();
  await page.getByRole("button", { name: "Create team" }).click();
  await page.waitForURL(/\/dashboard\/teams$/);
  await page.getByRole("heading", { name: "Guardrails of Guarded team" }).waitFor();
  const card = page.locator("#guardrails");
  await card.getByLabel("Max tokens per request").fill("0");
  await page.evaluate(
    () => (document.querySelector<HTMLFormElement>("#guardrails form")!.noValidate = true),
  );
  await card.getByRole("button", { name: "Save guardrails" }).click();
  await page.waitForLoadState();
  expect(await page.locator("#guardrails").getByText("At least 1").isVisible()).toBe(true);
  expect(await page.locator("#guardrails").getByLabel("Max tokens per request").inputValue()).toBe(
    "0",
  );
  await shot(page, "guardrails-team-phone-error");

  await page.locator("#guardrails").getByLabel("Max tokens per request").fill("256");
  await page.locator("#guardrails").getByRole("button", { name: "Save guardrails" }).click();
  await page.waitForLoadState();
  expect(await page.locator("#guardrails").textContent()).toContain("Now: max 256 tokens");
  await shot(page, "guardrails-team-phone-saved");
  const team = await env.prisma.team.findFirstOrThrow({ where: { name: "Guarded team" } });
  expect(team.guardrails).toEqual({ maxTokens: 256 });
  await context.close();
});
