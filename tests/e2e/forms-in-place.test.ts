// Forms that answer in place (issue #23, item 2), in Chromium against the
// production build: a bad value or a model typo in a key's rules shows next to
// its field with what was typed kept, every limit of a key can be changed, the
// sign-in and sign-up buttons stay where they are when an error line comes and
// goes, and a 403/404 keeps the dashboard (or the site header) around it with a
// way back. Screenshots land in test-results/forms-*.png.
import type { Page } from "playwright-core";
import { expect, test } from "vitest";
import { setupBrowserGateway, shot } from "../support/browser-gateway.ts";
import { seriousViolations, signUpInBrowser } from "../support/browser.ts";
import { createCatalogEntry, createUser, TEST_PASSWORD } from "../support/factories.ts";

const env = setupBrowserGateway({
  prepare: async (prisma) => {
    await createCatalogEntry(prisma, { modelSlug: "gpt-forms" });
  },
});

const url = (path: string) => env.gateway.baseUrl + path;
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

async function signedInPage(viewport = DESKTOP) {
  const page = await env.browser.newPage({ viewport });
  await signUpInBrowser(page, env.gateway.baseUrl, `forms-${crypto.randomUUID()}@example.test`);
  return page;
}

async function createKey(page: Page, name: string) {
  await page.goto(url("/dashboard/keys"));
  await page.getByLabel("Name").fill(name);
  await page.getByRole("button", { name: "Create key" }).click();
  await page.getByTestId("new-secret").waitFor({ timeout: 10_000 });
}

test("a key's rules: a bad value and a model typo answer next to their fields, typed values kept", async () => {
  const page = await signedInPage();
  await createKey(page, "rules key");
  // The Period select still says what it will do after the form was reset.
  expect(await page.locator("#create-key select[name=limitPeriod]").inputValue()).toBe("month");
  await page.getByRole("link", { name: "rules key", exact: true }).click();
  await page.waitForURL(/\/dashboard\/keys\/[0-9a-f-]{36}$/);
  await page.getByRole("heading", { name: /rules key/ }).waitFor();
  await shot(page, "forms-key-page");

  // The limits card links to the form that changes them.
  const change = page.getByRole("link", { name: /change (them|limits)/i });
  expect(await change.count()).toBe(1);
  await change.click();
  await expect.poll(() => page.evaluate(() => location.hash)).toBe("#rules");
  const rules = page.locator("#rules");
  await rules.getByLabel("Requests per minute").fill("0");
  await rules.getByLabel("Only these models").fill("gpt-forms, gpt-frosm");
  await rules.getByLabel("Credit limit").fill("25");
  // Without the browser's own checks, as a script-less or hurried submit would arrive.
  await page.evaluate(
    () => (document.querySelector<HTMLFormElement>("#rules form")!.noValidate = true),
  );
  await rules.getByRole("button", { name: "Save limits" }).click();
  await expect
    .poll(() => rules.getByText("At least 1", { exact: true }).isVisible(), { timeout: 10_000 })
    .toBe(true);
  await shot(page, "forms-key-rules-bad-value");
  expect(await page.getByText("That request was not valid").count()).toBe(0);
  expect(await page.getByRole("heading", { name: /rules key/ }).isVisible()).toBe(true);
  expect(await rules.getByLabel("Only these models").inputValue()).toBe("gpt-forms, gpt-frosm");
  expect(await rules.getByLabel("Credit limit").inputValue()).toBe("25");

  // Fixed per-minute count: the server finds the typo and says so beside the models.
  await rules.getByLabel("Requests per minute").fill("60");
  await rules.getByRole("button", { name: "Save limits" }).click();
  await expect
    .poll(() => rules.getByText("No such model: gpt-frosm").isVisible(), { timeout: 10_000 })
    .toBe(true);
  await shot(page, "forms-key-rules-model-typo");
  expect(await rules.getByLabel("Requests per minute").inputValue()).toBe("60");
  expect(await rules.getByLabel("Credit limit").inputValue()).toBe("25");

  // Corrected: saved, and the lifetime credit limit with it.
  await rules.getByLabel("Only these models").fill("gpt-forms");
  await rules.getByRole("button", { name: "Save limits" }).click();
  await expect
    .poll(() => page.getByRole("status").textContent(), { timeout: 10_000 })
    .toMatch(/saved/i);
  const limits = page.getByLabel("Limits", { exact: true });
  expect(await limits.textContent()).toContain("25.00 credits");
  expect(await limits.textContent()).toContain("60");
  expect(await limits.textContent()).toContain("gpt-forms");
  await shot(page, "forms-key-rules-saved");
  expect(await seriousViolations(page)).toEqual([]);
  await page.close();
});

test("without JavaScript, on a phone: the limits form answers in the page with what was typed", async () => {
  const context = await env.browser.newContext({ javaScriptEnabled: false, viewport: PHONE });
  const page = await context.newPage();
  await signUpInBrowser(
    page,
    env.gateway.baseUrl,
    `forms-nojs-${crypto.randomUUID()}@example.test`,
  );
  await createKey(page, "phone key");
  await page.getByRole("link", { name: "phone key", exact: true }).click();
  await page.waitForURL(/\/dashboard\/keys\/[0-9a-f-]{36}$/);
  const rules = page.locator("#rules");
  await rules.getByLabel("Tokens per minute").fill("12.5");
  await rules.getByLabel("Only these models").fill("gpt-frosm");
  await page.evaluate(
    () => (document.querySelector<HTMLFormElement>("#rules form")!.noValidate = true),
  );
  await rules.getByRole("button", { name: "Save limits" }).click();
  await page.waitForLoadState();
  await shot(page, "forms-key-rules-nojs-phone");
  expect(await rules.getByText("Enter a whole number", { exact: true }).isVisible()).toBe(true);
  expect(await rules.getByLabel("Tokens per minute").inputValue()).toBe("12.5");
  expect(await rules.getByLabel("Only these models").inputValue()).toBe("gpt-frosm");
  // Nothing of the page, form included, reaches past the phone's edge.
  expect(
    await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    ),
  ).toBe(0);
  await context.close();
});

test("a provider key too short to be one answers beside its field, in the page", async () => {
  const page = await signedInPage();
  await page.goto(url("/dashboard/provider-keys"));
  const field = page.getByLabel(/^Your .+ key$/).first();
  await field.fill("sk-1");
  await page.evaluate(() =>
    document.querySelectorAll("form").forEach((form) => (form.noValidate = true)),
  );
  await page.getByRole("button", { name: "Save" }).first().click();
  await expect
    .poll(() => page.getByText("A key has at least 8 characters").isVisible(), {
      timeout: 10_000,
    })
    .toBe(true);
  await shot(page, "forms-provider-key-too-short");
  expect(await page.getByText("That request was not valid").count()).toBe(0);
  expect(await page.getByRole("heading", { name: "Your provider keys" }).isVisible()).toBe(true);
  await page.close();
});

test("an admin's grant: an unknown email or a bad amount answers beside its field, typed values kept", async () => {
  const admin = await createUser(env.prisma, { role: "ADMIN" });
  const page = await env.browser.newPage({ viewport: DESKTOP });
  await page.goto(url("/login"));
  await page.getByLabel("Email").fill(admin.email);
  await page.getByLabel("Password").fill(TEST_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(url("/dashboard"));
  await page.goto(url("/dashboard/admin"));
  const grant = page.getByRole("region", { name: "Grant credits" });
  await grant.getByLabel("User's email").fill("nobody@example.test");
  await grant.getByLabel("Credits").fill("5");
  await grant.getByLabel("Why").fill("a voucher");
  await grant.getByRole("button", { name: "Grant" }).click();
  await expect
    .poll(() => grant.getByText("No user has the email nobody@example.test").isVisible(), {
      timeout: 10_000,
    })
    .toBe(true);
  await shot(page, "forms-admin-grant-unknown-email");
  expect(await grant.getByLabel("User's email").getAttribute("aria-invalid")).toBe("true");
  expect(await grant.getByLabel("Credits").inputValue()).toBe("5");
  expect(await grant.getByLabel("Why").inputValue()).toBe("a voucher");

  await grant.getByLabel("User's email").fill(admin.email);
  await grant.getByLabel("Credits").fill("0");
  await page.evaluate(() =>
    document.querySelectorAll("form").forEach((form) => (form.noValidate = true)),
  );
  await grant.getByRole("button", { name: "Grant" }).click();
  await expect
    .poll(() => grant.getByText("At least 1 credit").isVisible(), { timeout: 10_000 })
    .toBe(true);
  expect(await grant.getByLabel("Credits").getAttribute("aria-invalid")).toBe("true");
  expect(await grant.getByLabel("Why").inputValue()).toBe("a voucher");

  // An alias for a model that does not exist: said beside the model, with a suggestion.
  const aliases = page.getByRole("region", { name: "Model aliases" });
  await aliases.getByLabel("Alias").fill("speedy");
  await aliases.getByLabel("Model").fill("gpt-frms");
  await aliases.getByRole("button", { name: "Save alias" }).click();
  await expect
    .poll(() => aliases.getByText("No model is called 'gpt-frms'").isVisible(), {
      timeout: 10_000,
    })
    .toBe(true);
  await shot(page, "forms-admin-alias-unknown-model");
  expect(await aliases.getByLabel("Model").getAttribute("aria-invalid")).toBe("true");
  expect(await aliases.getByLabel("Alias").inputValue()).toBe("speedy");
  await page.close();
});

/** Sends the form the way a hurried hand does: press on the button, then let go, as two events. */
async function pressAndRelease(page: Page, name: string) {
  const box = (await page.getByRole("button", { name }).boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.up();
}

for (const form of ["signup", "login"] as const) {
  test(`${form}: after an error the button stays put on blur, and the next click sends the form`, async () => {
    const user = await createUser(env.prisma);
    const page = await env.browser.newPage({ viewport: PHONE });
    await page.goto(url(`/${form}`));
    const button = form === "signup" ? "Create account" : "Sign in";
    await page.getByLabel("Email").fill(user.email);
    await page
      .getByLabel(/^Password/)
      .fill(form === "signup" ? "a long enough password" : "wrong password!");
    await page.getByRole("button", { name: button }).click();
    const message = form === "signup" ? /already exists/ : /(wrong|invalid|incorrect)/i;
    await expect.poll(() => page.getByText(message).isVisible(), { timeout: 10_000 }).toBe(true);
    await shot(page, `forms-${form}-error`);
    const before = await page.getByRole("button", { name: button }).boundingBox();

    // Leaving the field (to the page, not to the button) keeps the line and the layout.
    await page.getByLabel("Email").focus();
    await page.getByRole("heading").first().click();
    expect(await page.getByText(message).isVisible()).toBe(true);
    expect(await page.getByRole("button", { name: button }).boundingBox()).toEqual(before);

    // From a field straight to the button: the press blurs the field, the release must still hit.
    await page
      .getByLabel(/^Password/)
      .fill(form === "signup" ? "a long enough password" : TEST_PASSWORD);
    await page.getByLabel("Email").focus();
    const sent = page.waitForRequest((request) => request.method() === "POST", { timeout: 5_000 });
    await pressAndRelease(page, button);
    await sent;
    if (form === "login") await page.waitForURL(url("/dashboard"));
    await shot(page, `forms-${form}-second-click`);
    await page.close();
  });
}

test("a 404 and a 403 inside the dashboard keep its navigation and offer a way back", async () => {
  const page = await signedInPage(PHONE);
  const response = await page.goto(url(`/dashboard/keys/${crypto.randomUUID()}`));
  expect(response?.status()).toBe(404);
  await shot(page, "forms-dashboard-404");
  expect(await page.getByText("Menu").isVisible()).toBe(true);
  expect(await page.getByText("No such API key").isVisible()).toBe(true);
  const back = page.getByRole("link", { name: /back to (the )?api keys|overview/i }).first();
  expect(await back.isVisible()).toBe(true);
  await back.click();
  await page.waitForURL(/\/dashboard(\/keys)?$/);

  // An unknown dashboard address is a 404 in the dashboard too, not a bare page.
  const unknown = await page.goto(url("/dashboard/no-such-page"));
  expect(unknown?.status()).toBe(404);
  await shot(page, "forms-dashboard-unknown");
  expect(await page.getByText("Menu").isVisible()).toBe(true);
  expect(
    await page
      .getByRole("link", { name: /overview/i })
      .first()
      .isVisible(),
  ).toBe(true);
  expect(await page.getByText("Reload this page").count()).toBe(0);

  // A page this account may not open (the admin page): a 403 with the same way back.
  const refused = await page.goto(url("/dashboard/admin"));
  expect(refused?.status()).toBe(403);
  await shot(page, "forms-dashboard-403");
  expect(await page.getByText("Menu").isVisible()).toBe(true);
  expect(
    await page
      .getByRole("link", { name: /overview/i })
      .first()
      .isVisible(),
  ).toBe(true);
  await page.close();
});

test("the site-wide 404 has the site header; public pages know who is signed in", async () => {
  const anonymous = await env.browser.newPage({ viewport: DESKTOP });
  const missing = await anonymous.goto(url("/no-such-page"));
  expect(missing?.status()).toBe(404);
  await shot(anonymous, "forms-site-404");
  expect(await anonymous.getByRole("link", { name: "LLM Gateway" }).isVisible()).toBe(true);
  expect(await anonymous.getByRole("link", { name: "Sign in" }).isVisible()).toBe(true);
  await anonymous.close();

  const page = await signedInPage(DESKTOP);
  for (const path of ["/", "/models", "/docs", "/invite/not-a-token", "/no-such-page"]) {
    await page.goto(url(path));
    await shot(page, `forms-signed-in${path.replaceAll("/", "-")}`);
    expect(await page.getByRole("link", { name: "Sign in" }).count(), path).toBe(0);
    expect(await page.getByRole("link", { name: "Dashboard" }).first().isVisible(), path).toBe(
      true,
    );
  }
  await page.close();
});
