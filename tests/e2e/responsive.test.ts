// The dashboard on a phone and on a desktop, in Chromium against the production
// build: no page is wider than a 390 px screen and no element hides content
// off-screen (ADR 043: tables become cards, charts fit their card), the
// navigation collapses into a menu that opens without JavaScript, and every
// page gets a screenshot at both widths (test-results/).
import { join } from "node:path";
import OpenAI from "openai";
import type { Page } from "playwright-core";
import { beforeAll, expect, test } from "vitest";
import {
  createApiKey,
  createCatalogEntry,
  createTeamAccount,
  createUser,
  TEST_PASSWORD,
} from "../support/factories.ts";
import { hiddenContent, overflow, seriousViolations } from "../support/browser.ts";
import { SCREENSHOTS, setupBrowserGateway } from "../support/browser-gateway.ts";

const PHONE = { width: 390, height: 844 };
// Where the tables are tables again (Tailwind's sm and md): no phone layout, no desktop room.
const SMALL_TABLETS = [
  { width: 640, height: 960 },
  { width: 768, height: 1024 },
];
const TABLET = { width: 1024, height: 768 };
const DESKTOP = { width: 1280, height: 900 };
const PAGES = [
  "/",
  "/docs",
  "/models",
  // A model's own page (ADR 071), and the Models list filtered and ordered.
  "/models/gpt-phone-test-with-a-long-name",
  "/models?q=phone&sort=context",
  "/login",
  "/dashboard",
  "/dashboard/keys",
  "/dashboard/usage",
  "/dashboard/credits",
  "/dashboard/provider-keys",
  "/dashboard/teams",
  "/dashboard/alerts",
  "/dashboard/playground",
  "/dashboard/admin",
  "/dashboard/admin/providers",
  "/dashboard/admin/prices",
  "/dashboard/models",
  // A model's edit form, and the models table filtered by its search.
  "/dashboard/admin/models/gpt-phone-test-with-a-long-name",
  "/dashboard/admin?q=phone",
];
const env = setupBrowserGateway({
  prepare: (prisma) => createCatalogEntry(prisma, { modelSlug: "gpt-phone-test-with-a-long-name" }),
});
const { prisma, gateway } = env;
let email: string;
let keyPage: string;

beforeAll(async () => {
  // An admin with a key, some usage and credits, so that every table has rows.
  const admin = await createUser(prisma, { role: "ADMIN", credits: 100 });
  email = admin.email;
  // …and in a team with a long name, for the account switcher and the Teams page.
  const team = await createTeamAccount(prisma, {
    name: "Platform team with a long name",
    credits: 50,
    members: 1,
  });
  await prisma.teamMember.create({
    data: { teamId: team.teamId, userId: admin.id, role: "ADMIN" },
  });
  // A request on a team key, for the team's spend by member.
  const teamKey = await createApiKey(prisma, team.teamId, { createdById: admin.id });
  await new OpenAI({
    apiKey: teamKey.secret,
    baseURL: `${gateway.baseUrl}/v1`,
    maxRetries: 0,
  }).chat.completions.create({
    model: "gpt-phone-test-with-a-long-name",
    messages: [{ role: "user", content: "Hi" }],
  });
  // A paid payment, an alias: the Credits and Admin pages' other tables have rows too.
  await prisma.payment.create({
    data: {
      userId: admin.id,
      amountCents: 1000,
      credits: 1000n * 1_000_000n,
      status: "PAID",
      idempotencyKey: "phone-payment",
      checkoutSessionId: "cs_test_a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6q7r8s9t0",
      paymentIntentId: "pi_3PhoneTestPaymentIntent0001",
      receiptUrl: "https://pay.stripe.com/receipts/test",
      paidAt: new Date(),
    },
  });
  const { id: modelId } = await prisma.model.findUniqueOrThrow({
    where: { slug: "gpt-phone-test-with-a-long-name" },
  });
  await prisma.modelAlias.create({ data: { name: "a-long-alias-for-phones", modelId } });
  const { secret } = await createApiKey(prisma, admin.id, {
    name: "a-rather-long-key-name-for-a-phone",
  });
  const client = new OpenAI({ apiKey: secret, baseURL: `${gateway.baseUrl}/v1`, maxRetries: 0 });
  for (let i = 0; i < 3; i++)
    await client.chat.completions.create({
      model: "gpt-phone-test-with-a-long-name",
      messages: [{ role: "user", content: "Hi" }],
    });
  // One request's own page too.
  const { id } = await prisma.conversation.findFirstOrThrow({ where: { userId: admin.id } });
  PAGES.push(`/dashboard/usage/${id}`);
  // …and the key's own page.
  const { id: keyId } = await prisma.apiKey.findFirstOrThrow({ where: { userId: admin.id } });
  keyPage = `/dashboard/keys/${keyId}`;
  PAGES.push(keyPage);
});

async function signedIn(viewport: { width: number; height: number }, javaScriptEnabled = true) {
  const context = await env.browser.newContext({ viewport, javaScriptEnabled });
  const page = await context.newPage();
  await page.goto(`${gateway.baseUrl}/login`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel(/^Password/).fill(TEST_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${gateway.baseUrl}/dashboard`);
  return { context, page };
}

test("no page is wider than a 390 px phone and none has a serious accessibility violation (axe-core); each page photographed on a phone and a desktop", async () => {
  const phone = await signedIn(PHONE);
  const desktop = await signedIn(DESKTOP);
  const tablet = await signedIn(TABLET);
  const smallTablets = await Promise.all(SMALL_TABLETS.map((viewport) => signedIn(viewport)));
  const wide: string[] = [];
  const hidden: string[] = [];
  const inaccessible: string[] = [];
  for (const path of PAGES) {
    const name = path === "/" ? "home" : path.slice(1).replaceAll("/", "-");
    const onPhone = await overflow(phone.context, gateway.baseUrl + path);
    if (onPhone.extra > 0) wide.push(`${path} (${onPhone.extra} px too wide)`);
    for (const element of onPhone.hidden) hidden.push(`${path} on a phone: ${element}`);
    for (const violation of await seriousViolations(onPhone.page))
      inaccessible.push(`${path} on a phone: ${violation}`);
    await onPhone.page.screenshot({ path: join(SCREENSHOTS, `phone-${name}.png`), fullPage: true });
    await onPhone.page.close();
    const onDesktop = await overflow(desktop.context, gateway.baseUrl + path);
    if (onDesktop.extra > 0) wide.push(`${path} (${onDesktop.extra} px too wide on a desktop)`);
    for (const element of onDesktop.hidden) hidden.push(`${path} on a desktop: ${element}`);
    const onTablet = await overflow(tablet.context, gateway.baseUrl + path);
    if (onTablet.extra > 0) wide.push(`${path} (${onTablet.extra} px too wide on a tablet)`);
    for (const element of onTablet.hidden) hidden.push(`${path} on a tablet: ${element}`);
    await onTablet.page.close();
    for (const [i, { context }] of smallTablets.entries()) {
      const onSmallTablet = await overflow(context, gateway.baseUrl + path);
      for (const element of onSmallTablet.hidden)
        hidden.push(`${path} at ${SMALL_TABLETS[i]!.width} px: ${element}`);
      await onSmallTablet.page.close();
    }
    for (const violation of await seriousViolations(onDesktop.page))
      inaccessible.push(`${path} on a desktop: ${violation}`);
    await onDesktop.page.screenshot({
      path: join(SCREENSHOTS, `desktop-${name}.png`),
      fullPage: true,
    });
    await onDesktop.page.close();
  }
  // A key's limits form, on its page (the keys table links to it), stays on the screen.
  const keys = await overflow(phone.context, `${gateway.baseUrl}/dashboard/keys`);
  await keys.page
    .getByRole("link", { name: /^Change the limits of / })
    .first()
    .click();
  await keys.page.waitForURL(/\/dashboard\/keys\/[0-9a-f-]{36}#rules$/);
  await keys.page.locator("#rules form").waitFor();
  for (const element of await hiddenContent(keys.page))
    hidden.push(`a key's page with its limits form on a phone: ${element}`);
  await keys.page.screenshot({
    path: join(SCREENSHOTS, "phone-dashboard-keys-rules-open.png"),
    fullPage: true,
  });
  await keys.page.close();
  // A team's pages: its members and its spend by member.
  await phone.page.getByLabel(/^Account: /).click();
  await phone.page.getByRole("button", { name: "Platform team with a long name" }).click();
  await phone.page.waitForURL(`${gateway.baseUrl}/dashboard`);
  for (const path of ["/dashboard/teams", "/dashboard/usage"]) {
    const onPhone = await overflow(phone.context, gateway.baseUrl + path);
    if (onPhone.extra > 0) wide.push(`${path} in a team (${onPhone.extra} px too wide)`);
    for (const element of onPhone.hidden) hidden.push(`${path} in a team on a phone: ${element}`);
    await onPhone.page.screenshot({
      path: join(SCREENSHOTS, `phone-team${path.replace("/dashboard/", "-")}.png`),
      fullPage: true,
    });
    await onPhone.page.close();
  }
  // The pages a visitor sees before signing in.
  const visitor = await env.browser.newContext({ viewport: PHONE });
  for (const path of ["/login", "/signup"]) {
    const onPhone = await overflow(visitor, gateway.baseUrl + path);
    if (onPhone.extra > 0) wide.push(`${path} (${onPhone.extra} px too wide)`);
    for (const element of onPhone.hidden) hidden.push(`${path} signed out: ${element}`);
    for (const violation of await seriousViolations(onPhone.page))
      inaccessible.push(`${path} signed out: ${violation}`);
    await onPhone.page.screenshot({
      path: join(SCREENSHOTS, `phone${path.replace("/", "-")}-signed-out.png`),
      fullPage: true,
    });
    await onPhone.page.close();
  }
  await visitor.close();
  expect(wide).toEqual([]);
  expect(hidden).toEqual([]);
  expect(inaccessible).toEqual([]);
  await phone.context.close();
  await desktop.context.close();
  await tablet.context.close();
  for (const { context } of smallTablets) await context.close();
}, 150_000);

test("charts are drawn on the server as wide as their card: on a phone today's bar and date are on screen, on a desktop the chart fills the card", async () => {
  const today = new Date().toISOString().slice(5, 10); // the charts' date labels: "MM-DD"
  const charts = [
    { path: "/dashboard", name: /^Spend per day by model/ },
    { path: "/dashboard", name: /^Spend per day by key/ },
    { path: "/dashboard?days=7", name: /^Spend per day by model/ },
    { path: "/dashboard?days=90", name: /^Spend per day by model/ },
    { path: keyPage, name: /^Credits spent per day by/ },
  ];
  for (const [device, viewport] of [
    ["phone", PHONE],
    ["desktop", DESKTOP],
  ] as const) {
    // Without JavaScript: the chart is what the server sent.
    const { context, page } = await signedIn(viewport, false);
    for (const { path, name } of charts) {
      await page.goto(gateway.baseUrl + path);
      const chart = page.getByRole("img", { name });
      expect(await chart.count(), `${path} ${name} on a ${device}`).toBe(1);
      const fit = await chart.evaluate((element) => {
        // The box the chart sits in: the nearest ancestor with padding (the card's content).
        let box = element.parentElement!;
        while (parseFloat(getComputedStyle(box).paddingLeft) === 0) box = box.parentElement!;
        const style = getComputedStyle(box);
        const inner = box.getBoundingClientRect();
        // Bars: filled SVG shapes (the legend's swatches are not the rightmost).
        const bars = [...element.querySelectorAll("svg rect, svg path")]
          .filter((bar) => !["none", "transparent", null].includes(bar.getAttribute("fill")))
          .map((bar) => bar.getBoundingClientRect())
          .filter((bar) => bar.height > 0 && bar.width > 0);
        return {
          chart: element.getBoundingClientRect().toJSON() as DOMRect,
          left: inner.left + parseFloat(style.paddingLeft),
          right: inner.right - parseFloat(style.paddingRight),
          lastBar: Math.max(...bars.map((bar) => bar.right)),
        };
      });
      const where = `${path} ${name} on a ${device}`;
      expect(fit.chart.left, where).toBeGreaterThanOrEqual(fit.left - 1);
      expect(fit.chart.right, where).toBeLessThanOrEqual(fit.right + 1);
      // It fills its card (a fixed-size chart leaves a gap on a desktop).
      expect(fit.chart.width, where).toBeGreaterThanOrEqual((fit.right - fit.left) * 0.98);
      // Today's spend: its bar is the last one, on screen, and its date is readable.
      expect(fit.lastBar, where).toBeLessThanOrEqual(Math.min(fit.right, viewport.width));
      expect(fit.lastBar, where).toBeGreaterThan(fit.chart.right - fit.chart.width / 10);
      const label = await chart.getByText(today, { exact: true }).boundingBox();
      expect(label, where).not.toBeNull();
      expect(label!.x + label!.width, where).toBeLessThanOrEqual(viewport.width);
      expect(label!.height, where).toBeGreaterThanOrEqual(12);
      await chart.screenshot({
        path: join(
          SCREENSHOTS,
          path === keyPage
            ? `${device}-chart-key.png`
            : `${device}-chart-${path.slice(1).replace("?days=", "-")}-${String(name).includes("key") ? "by-key" : "by-model"}.png`,
        ),
      });
    }
    await context.close();
  }
});

test("on a phone the navigation is a menu that opens without JavaScript; Models and Admin are in it", async () => {
  const { context, page } = await signedIn(PHONE, false);
  expect(await page.getByRole("navigation", { name: "Dashboard", exact: true }).isVisible()).toBe(
    false,
  );
  const menu = page.getByRole("navigation", { name: "Dashboard menu" });
  expect(await menu.isVisible()).toBe(false);
  await page.getByText("Menu", { exact: true }).click();
  expect(await menu.isVisible()).toBe(true);
  const links = await menu.getByRole("link").allTextContents();
  expect(links).toEqual([
    "Overview",
    "API keys",
    "Usage",
    "Playground",
    "Credits",
    "Provider keys",
    "Teams",
    "Models",
    "Admin",
    "Providers",
    "Users",
  ]);
  await page.screenshot({ path: join(SCREENSHOTS, "phone-menu-open.png") });
  await menu.getByRole("link", { name: "Usage" }).click();
  await page.waitForURL(/\/dashboard\/usage$/);
  expect(await page.getByRole("heading", { name: "Usage" }).isVisible()).toBe(true);
  // Each row opens its request's page.
  await page
    .getByRole("link", { name: /details$/ })
    .first()
    .click();
  await page.waitForURL(/\/dashboard\/usage\/\d+$/);
  expect(await page.getByRole("heading", { name: "Request" }).isVisible()).toBe(true);
  expect(await page.getByTestId("charged").textContent()).toMatch(
    /^0\.0\d{3} credits \(\$0\.0000\d{2}\)$/,
  );
  await context.close();
});

test("dark mode follows the system, and the toggle (without JavaScript) overrides it; dark pages pass axe-core too", async () => {
  const signInDark = async (javaScriptEnabled: boolean) => {
    const context = await env.browser.newContext({
      viewport: DESKTOP,
      colorScheme: "dark",
      javaScriptEnabled,
    });
    const page = await context.newPage();
    await page.goto(`${gateway.baseUrl}/login`);
    await page.getByLabel("Email").fill(email);
    await page.getByLabel(/^Password/).fill(TEST_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${gateway.baseUrl}/dashboard`);
    return { context, page };
  };
  const isDark = async (page: Page) => {
    // Chromium reports the theme's colours as oklch(lightness chroma hue), lightness 0–1.
    const color = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const lightness = /^oklch\(([\d.]+)/.exec(color)?.[1];
    if (lightness === undefined) throw new Error(`unexpected background ${color}`);
    return Number(lightness) < 0.5;
  };
  // A system that prefers dark: dark without any choice, and still accessible.
  const withJs = await signInDark(true);
  expect(await isDark(withJs.page)).toBe(true);
  const inaccessible: string[] = [];
  for (const path of ["/dashboard", "/dashboard/keys", "/dashboard/usage", "/dashboard/credits"]) {
    await withJs.page.goto(`${gateway.baseUrl}${path}`);
    for (const violation of await seriousViolations(withJs.page))
      inaccessible.push(`${path}: ${violation}`);
  }
  expect(inaccessible).toEqual([]);
  await withJs.page.screenshot({
    path: join(SCREENSHOTS, "desktop-dark-credits.png"),
    fullPage: true,
  });
  await withJs.context.close();

  // The toggle without JavaScript: system → dark → light → system, remembered, on the same page.
  const { context, page } = await signInDark(false);
  await page.goto(`${gateway.baseUrl}/dashboard/credits`);
  await page.getByRole("button", { name: "System theme" }).click();
  await page.waitForURL(/\/dashboard\/credits$/);
  expect(await page.locator("html").getAttribute("class")).toBe("dark");
  await page.getByRole("button", { name: "Dark theme" }).click();
  expect(await page.locator("html").getAttribute("class")).toBe("light");
  expect(await isDark(page)).toBe(false);
  await page.goto(`${gateway.baseUrl}/dashboard/usage`);
  expect(await isDark(page)).toBe(false);
  await page.getByRole("button", { name: "Light theme" }).click();
  await page.waitForURL(/\/dashboard\/usage$/);
  expect(await page.locator("html").getAttribute("class")).toBeNull();
  expect(await isDark(page)).toBe(true);
  await context.close();
});
