// Accounts in Chromium against the production build (issue #23, ADR 044):
// forgot password -> the mail (read from a local SMTP server) -> reset -> sign
// in; the settings page (a wrong password answered at its field, sessions,
// "sign out everywhere else"); the admin's users page (a grant answered in
// place, disabling a user). Desktop and phone, with screenshots
// (test-results/accounts-*.png) and no content off-screen at 390 px.
import OpenAI from "openai";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { overflow, seriousViolations } from "../support/browser.ts";
import { setupBrowserGateway, shot } from "../support/browser-gateway.ts";
import {
  createApiKey,
  createCatalogEntry,
  createUser,
  TEST_PASSWORD,
} from "../support/factories.ts";
import { resetLinkIn, startMailCatcher } from "../support/mail-catcher.ts";
import { formatMoney } from "../../app/utils/money.ts";

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };
let mail: Awaited<ReturnType<typeof startMailCatcher>>;
// Before the gateway starts (hooks run in order): it mails through this server.
beforeAll(async () => {
  mail = await startMailCatcher();
});
afterAll(() => mail?.close());
const env = setupBrowserGateway({
  env: () => ({ SMTP_URL: mail.url, MAIL_FROM: "Gateway Test <gateway@example.test>" }),
  prepare: async (prisma) => {
    await createCatalogEntry(prisma, { modelSlug: "gpt-accounts" });
  },
});

async function signIn(page: Page, email: string, password = TEST_PASSWORD) {
  await page.goto(`${env.gateway.baseUrl}/login`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${env.gateway.baseUrl}/dashboard`);
}

/** Elements (not only the page) whose content reaches past a 390 px screen's right edge. */
async function offScreen(page: Page) {
  return page.evaluate(() =>
    [...document.querySelectorAll("body *")]
      .filter((element) => {
        const box = element.getBoundingClientRect();
        return box.width > 0 && box.right > document.documentElement.clientWidth + 1;
      })
      .map((element) => `${element.tagName.toLowerCase()} "${element.textContent?.slice(0, 40)}"`),
  );
}

async function phonePage(context: BrowserContext, path: string) {
  const { page, extra } = await overflow(context, `${env.gateway.baseUrl}${path}`);
  expect(extra).toBe(0);
  expect(await offScreen(page)).toEqual([]);
  return page;
}

test("forgot password: the mail's link sets a new password, which then signs in", async () => {
  const user = await createUser(env.prisma);
  const context = await env.browser.newContext({ viewport: DESKTOP });
  const page = await context.newPage();
  await page.goto(`${env.gateway.baseUrl}/login`);
  await page.getByRole("link", { name: "Forgot password?" }).click();
  await page.waitForURL(/\/forgot-password$/);
  await page.getByLabel("Email").fill("not an email");
  await page.getByRole("button", { name: "Send reset link" }).click();
  await expect.poll(() => page.getByText("Enter a valid email address").isVisible()).toBe(true);
  expect(await page.getByLabel("Email").inputValue()).toBe("not an email");
  await page.getByLabel("Email").fill(user.email);
  await page.getByRole("button", { name: "Send reset link" }).click();
  await expect
    .poll(() => page.getByRole("status").first().textContent())
    .toContain("If an account has this email, a link to reset its password is on its way");
  await shot(page, "accounts-forgot-sent-desktop");

  const caught = await mail.mailTo(user.email);
  expect(caught.raw).toContain("Gateway Test <gateway@example.test>");
  const link = resetLinkIn(caught);
  expect(link.startsWith(env.gateway.baseUrl)).toBe(true);

  await page.goto(link);
  await page.getByLabel(/^New password/).fill("short");
  await page.getByRole("button", { name: "Set new password" }).click();
  await expect.poll(() => page.getByText("Use at least 10 characters").isVisible()).toBe(true);
  await shot(page, "accounts-reset-error-desktop");
  await page.getByLabel(/^New password/).fill("my fresh new password");
  await page.getByRole("button", { name: "Set new password" }).click();
  await page.waitForURL(/\/login$/);
  await expect
    .poll(() => page.getByRole("status").first().textContent())
    .toContain("Password changed");
  await signIn(page, user.email, "my fresh new password");

  // The link is spent: opened again, it says so.
  await page.goto(link);
  await expect.poll(() => page.getByRole("alert").textContent()).toContain("expired or was used");
  await context.close();

  const phone = await env.browser.newContext({ viewport: PHONE });
  const forgotOnPhone = await phonePage(phone, "/forgot-password");
  await shot(forgotOnPhone, "accounts-forgot-phone");
  await phone.close();
});

test("settings: a wrong password is answered at its field; other sessions are listed and signed out", async () => {
  const user = await createUser(env.prisma);
  const laptop = await env.browser.newContext({ viewport: DESKTOP });
  const page = await laptop.newPage();
  await signIn(page, user.email);
  const phone = await env.browser.newContext({ viewport: PHONE });
  const phonePageSignedIn = await phone.newPage();
  await signIn(phonePageSignedIn, user.email);

  await page.getByRole("link", { name: "Settings" }).click();
  await page.waitForURL(/\/dashboard\/settings$/);
  const sessions = page.getByRole("list", { name: "Sessions" }).getByRole("listitem");
  await expect.poll(() => sessions.count()).toBe(2);
  expect(await page.getByText("This session").count()).toBe(1);

  const button = page.getByRole("button", { name: "Change password" });
  const before = await button.boundingBox();
  await page.getByLabel("Current password").fill("not my password");
  await page.getByLabel(/^New password/).fill("another long password");
  await button.click();
  const error = page.getByText("This is not your current password");
  await expect.poll(() => error.isVisible()).toBe(true);
  // Next to its field: right under the current password's input.
  const field = (await page.getByLabel("Current password").boundingBox())!;
  const message = (await error.boundingBox())!;
  expect(message.y).toBeGreaterThan(field.y + field.height - 1);
  expect(message.y).toBeLessThan(field.y + field.height + 30);
  expect((await button.boundingBox())!.x).toBe(before!.x);
  await shot(page, "accounts-settings-error-desktop");

  // The error stays while the pointer goes elsewhere: the next button is where it was.
  const elsewhere = page.getByRole("button", { name: "Sign out everywhere else" });
  const there = (await elsewhere.boundingBox())!;
  await elsewhere.hover();
  await page.mouse.down();
  expect(await error.isVisible()).toBe(true);
  expect((await elsewhere.boundingBox())!.y).toBe(there.y);
  await page.mouse.up();
  await expect
    .poll(() => page.getByRole("status").first().textContent())
    .toContain("Signed out 1 other session");
  await expect.poll(() => sessions.count()).toBe(1);
  // The other form's old error went with the page it belonged to.
  expect(await error.isVisible()).toBe(false);
  await shot(page, "accounts-settings-desktop");

  // The phone's session is gone: its next page is the sign-in page.
  await phonePageSignedIn.goto(`${env.gateway.baseUrl}/dashboard`);
  await phonePageSignedIn.waitForURL(/\/login\?redirectTo=/);
  await signIn(phonePageSignedIn, user.email);
  await phonePageSignedIn.getByText("Menu").click();
  await phonePageSignedIn.getByRole("link", { name: "Settings" }).click();
  await phonePageSignedIn.waitForURL(/\/dashboard\/settings$/);
  const settingsOnPhone = await phonePage(phone, "/dashboard/settings");
  await shot(settingsOnPhone, "accounts-settings-phone");
  expect(await seriousViolations(settingsOnPhone)).toEqual([]);
  await laptop.close();
  await phone.close();
});

test("without JavaScript the reset request and the settings' field errors work the same", async () => {
  const user = await createUser(env.prisma);
  const context = await env.browser.newContext({ viewport: DESKTOP, javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${env.gateway.baseUrl}/forgot-password`);
  await page.getByLabel("Email").fill(user.email);
  await page.getByRole("button", { name: "Send reset link" }).click();
  await expect
    .poll(() => page.getByRole("status").first().textContent())
    .toContain("If an account has this email");
  await mail.mailTo(user.email);

  await signIn(page, user.email);
  await page.goto(`${env.gateway.baseUrl}/dashboard/settings`);
  await page.getByLabel("New email").fill("not-an-email-but-long-enough@");
  await page.getByLabel("Password", { exact: true }).fill(TEST_PASSWORD);
  await page.getByRole("button", { name: "Change email" }).click();
  await expect.poll(() => page.getByText("Enter a valid email address").isVisible()).toBe(true);
  // What was typed is kept (the password is not sent back).
  expect(await page.getByLabel("New email").inputValue()).toBe("not-an-email-but-long-enough@");
  await shot(page, "accounts-settings-nojs-error-desktop");
  await context.close();
});

test("admin users: a grant is answered in place and recorded; a disabled user is signed out and their key refused", async () => {
  const admin = await createUser(env.prisma, { role: "ADMIN" });
  const user = await createUser(env.prisma, { credits: 10 });
  const { secret } = await createApiKey(env.prisma, user.id);
  const client = new OpenAI({
    apiKey: secret,
    baseURL: `${env.gateway.baseUrl}/v1`,
    maxRetries: 0,
  });
  const ask = () =>
    client.chat.completions.create({
      model: "gpt-accounts",
      messages: [{ role: "user", content: "Hi" }],
      max_completion_tokens: 10,
    });
  await ask();
  const userContext = await env.browser.newContext({ viewport: DESKTOP });
  const userPage = await userContext.newPage();
  await signIn(userPage, user.email);

  const context = await env.browser.newContext({ viewport: DESKTOP });
  const page = await context.newPage();
  await signIn(page, admin.email);
  await page.getByRole("link", { name: "Users" }).click();
  await page.waitForURL(/\/dashboard\/admin\/users$/);
  // An admin's header at 1280 px, with Users and the settings link, still fits the screen.
  const signOut = (await page.getByRole("button", { name: "Sign out" }).boundingBox())!;
  expect(signOut.x + signOut.width).toBeLessThanOrEqual(DESKTOP.width);
  expect(await offScreen(page)).toEqual([]);
  await page.getByLabel("Search by email").fill(user.email.slice(0, 12).toUpperCase());
  await page.getByRole("button", { name: "Search" }).click();
  const rows = page.getByRole("list", { name: "Users" }).getByRole("listitem");
  await expect.poll(() => rows.count()).toBe(1);
  // The balance after the request above, as the one money format writes it.
  const balance = async () =>
    (await env.prisma.user.findUniqueOrThrow({ where: { id: user.id } })).balance;
  const before = await balance();
  expect(await page.getByLabel(`Balance of ${user.email}`).textContent()).toBe(formatMoney(before));

  await page.getByRole("link", { name: `Grant credits to ${user.email}` }).click();
  await page.getByLabel("Credits", { exact: true }).fill("250");
  await page.getByRole("button", { name: "Grant", exact: true }).click();
  await expect.poll(() => page.getByText("Say why").first().isVisible()).toBe(true);
  expect(await page.getByLabel("Credits", { exact: true }).inputValue()).toBe("250");
  await shot(page, "accounts-admin-grant-error-desktop");
  await page.getByLabel(/^Why/).fill("support refund");
  await page.getByRole("button", { name: "Grant", exact: true }).click();
  await expect
    .poll(() => page.getByRole("status").first().textContent())
    .toContain(`Granted 250.00 credits ($2.50) to ${user.email}`);
  expect(await balance()).toBe(before + 250_000_000n);
  expect(await page.getByLabel(`Balance of ${user.email}`).textContent()).toBe(
    formatMoney(before + 250_000_000n),
  );

  await page.getByRole("button", { name: `Disable: ${user.email}` }).click();
  await expect
    .poll(() => page.getByRole("status").first().textContent())
    .toContain(`${user.email} is disabled`);
  await expect.poll(() => rows.first().textContent()).toContain("Disabled");
  await shot(page, "accounts-admin-users-desktop");
  await expect
    .poll(() =>
      ask().then(
        () => 200,
        (error: { status: number }) => error.status,
      ),
    )
    .toBe(401);
  await userPage.goto(`${env.gateway.baseUrl}/dashboard/keys`);
  await userPage.waitForURL(/\/login\?redirectTo=/);
  await userPage.getByLabel("Email").fill(user.email);
  await userPage.getByLabel("Password").fill(TEST_PASSWORD);
  await userPage.getByRole("button", { name: "Sign in" }).click();
  await expect
    .poll(() => userPage.getByRole("alert").textContent())
    .toContain("This account is disabled");

  // The audit log names who did it and to whom.
  await page.goto(`${env.gateway.baseUrl}/dashboard/admin`);
  const log = page.getByRole("table", { name: "Audit log" });
  const disabledRow = log.getByRole("row").filter({ hasText: "user disabled" }).first();
  expect(await disabledRow.textContent()).toContain(admin.email);
  expect(await disabledRow.textContent()).toContain(user.email);

  const phone = await env.browser.newContext({ viewport: PHONE });
  const phoneLogin = await phone.newPage();
  await signIn(phoneLogin, admin.email);
  const usersOnPhone = await phonePage(phone, "/dashboard/admin/users");
  await shot(usersOnPhone, "accounts-admin-users-phone");
  expect(await seriousViolations(usersOnPhone)).toEqual([]);
  await context.close();
  await userContext.close();
  await phone.close();
});
