// One money format on every page a person reads (ADR 049), in Chromium against the production
// build: every amount on screen is "1,000.00 credits ($10.00)", or for one request's cost
// "0.0160 credits ($0.000160)". The data is the responsive test's: an admin with a key, usage,
// a payment and a team, so that every card and table has amounts. Screenshots in test-results/.
import { join } from "node:path";
import OpenAI from "openai";
import type { BrowserContext, Page } from "playwright-core";
import { beforeAll, expect, test } from "vitest";
import {
  createApiKey,
  createCatalogEntry,
  createTeamAccount,
  createUser,
  TEST_PASSWORD,
} from "../support/factories.ts";
import { SCREENSHOTS, setupBrowserGateway } from "../support/browser-gateway.ts";

const MODEL = "gpt-money-format-test";
// The one format: a total to the hundredth of a credit and the cent, or one request's cost
// to the ten-thousandth of a credit and the millionth of a dollar; "<" for a non-zero amount
// under the last digit, a sign before both halves.
const NUMBER = String.raw`\d{1,3}(?:,\d{3})*`;
const AMOUNT = new RegExp(
  [
    String.raw`[-+]?<?${NUMBER}\.\d{2} credits\s*\([-+]?<?\$${NUMBER}\.\d{2}\)`,
    String.raw`[-+]?<?${NUMBER}\.\d{4} credits\s*\([-+]?<?\$${NUMBER}\.\d{6}\)`,
  ].join("|"),
  "g",
);
// What reads as an amount but is not in the format: a number of credits, a dollar amount, or a
// bare decimal with two or more places (a cost in a table cell).
const STRAY = [
  /[-+−]?[\d,]*\d(?:\.\d+)?\s*credits\b/g,
  /[-+−]?\$\s*[\d,]*\d(?:\.\d+)?/g,
  /(?<![\d.])\d[\d,]*\.\d{2,}(?![\d.]*\s*(?:%|ms|s\b))/g,
];
// Not amounts of money, or amounts a person types: said once, not judged here.
const NOT_AMOUNTS = [
  "1 credit = US$0.01", // the unit, on the Credits page
];

const env = setupBrowserGateway({
  prepare: (prisma) => createCatalogEntry(prisma, { modelSlug: MODEL }),
});
const { prisma, gateway } = env;
let email: string;
const pages: string[] = [
  "/dashboard",
  "/dashboard/keys",
  "/dashboard/usage",
  "/dashboard/credits",
  "/dashboard/provider-keys",
  "/dashboard/teams",
  "/dashboard/settings",
  "/dashboard/admin",
  "/dashboard/admin/users",
  "/dashboard/admin/providers",
  `/dashboard/admin/models/${MODEL}`,
];

beforeAll(async () => {
  const admin = await createUser(prisma, { role: "ADMIN", credits: 1234 });
  email = admin.email;
  const team = await createTeamAccount(prisma, { name: "Money team", credits: 50, members: 1 });
  await prisma.teamMember.create({
    data: { teamId: team.teamId, userId: admin.id, role: "ADMIN" },
  });
  const teamKey = await createApiKey(prisma, team.teamId, { createdById: admin.id });
  await ask(teamKey.secret);
  await prisma.payment.create({
    data: {
      userId: admin.id,
      amountCents: 1000,
      credits: 1000n * 1_000_000n,
      status: "PAID",
      idempotencyKey: "money-payment",
      checkoutSessionId: "cs_test_money0000000000000000000000000000000000000000",
      paymentIntentId: "pi_3MoneyTestPaymentIntent0001",
      receiptUrl: "https://pay.stripe.com/receipts/test",
      paidAt: new Date(),
    },
  });
  // A key with both limits, so that the keys table and the key's page show them.
  const { secret } = await createApiKey(prisma, admin.id, { creditLimitCredits: 500 });
  for (let i = 0; i < 3; i++) await ask(secret);
  const { id: keyId } = await prisma.apiKey.findFirstOrThrow({ where: { userId: admin.id } });
  await prisma.apiKey.update({
    where: { id: keyId },
    data: { periodLimit: 25n * 1_000_000n, limitPeriod: "month" },
  });
  const { id } = await prisma.conversation.findFirstOrThrow({ where: { userId: admin.id } });
  pages.push(`/dashboard/keys/${keyId}`, `/dashboard/usage/${id}`);
});

async function ask(apiKey: string) {
  await new OpenAI({
    apiKey,
    baseURL: `${gateway.baseUrl}/v1`,
    maxRetries: 0,
  }).chat.completions.create({ model: MODEL, messages: [{ role: "user", content: "Hi" }] });
}

async function signedIn(context: BrowserContext) {
  const page = await context.newPage();
  await page.goto(`${gateway.baseUrl}/login`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel(/^Password/).fill(TEST_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${gateway.baseUrl}/dashboard`);
  return page;
}

/**
 * The page's visible text, without what is not an amount to read: charts (their axes are a
 * scale), code, form fields and their labels (what a person types, in the unit the field asks
 * for) and price columns ("per 1M": prices keep their own precision).
 */
async function visibleText(page: Page) {
  return page.evaluate(() => {
    for (const table of document.querySelectorAll("table")) {
      const headings = [...table.querySelectorAll("thead th")].map((th) => th.textContent ?? "");
      // From the last column back: removing a cell moves the ones after it.
      for (const [column, heading] of [...headings.entries()].reverse())
        if (heading.includes("per 1M"))
          for (const row of table.querySelectorAll("tr")) row.children[column]?.remove();
    }
    for (const element of document.querySelectorAll("[role=img], svg, pre, code, label, input"))
      element.remove();
    return document.body.innerText;
  });
}

/** Every amount-like text on the page that is not in the one format, each once. */
function strayAmounts(text: string) {
  let rest = text;
  for (const allowed of NOT_AMOUNTS) rest = rest.replaceAll(allowed, " ");
  rest = rest.replace(AMOUNT, " ");
  const strays: string[] = [];
  for (const pattern of STRAY)
    rest = rest.replace(pattern, (match) => {
      strays.push(match.trim().replace(/\s+/g, " "));
      return " ";
    });
  return strays;
}

test("every amount on every dashboard page reads as credits with the US-dollar value beside it, in one precision for totals and one for a request", async () => {
  for (const [device, viewport] of [
    ["desktop", { width: 1280, height: 800 }],
    ["phone", { width: 390, height: 844 }],
  ] as const) {
    const context = await env.browser.newContext({ viewport });
    const page = await signedIn(context);
    const wrong: string[] = [];
    let amounts = 0;
    const visit = async (path: string, name: string) => {
      await page.goto(gateway.baseUrl + path);
      await page.screenshot({
        path: join(SCREENSHOTS, `money-${device}-${name}.png`),
        fullPage: true,
      });
      const text = await visibleText(page);
      amounts += text.match(AMOUNT)?.length ?? 0;
      for (const stray of strayAmounts(text)) wrong.push(`${path}: "${stray}"`);
    };
    for (const path of pages)
      await visit(
        path,
        path
          .slice(1)
          .replaceAll("/", "-")
          .replace(/-[0-9a-f-]{36}$/, "-one"),
      );
    // The team's pages: its spend by member.
    await page.goto(`${gateway.baseUrl}/dashboard`);
    await page.getByLabel(/^Account: /).click();
    await page.getByRole("button", { name: "Money team" }).click();
    await page.waitForURL(`${gateway.baseUrl}/dashboard`);
    for (const path of ["/dashboard", "/dashboard/teams", "/dashboard/usage"])
      await visit(path, `team${path.replace("/dashboard", "").replace("/", "-")}`);
    expect(wrong, `on a ${device}`).toEqual([]);
    // The pages do show amounts: header, cards, tables (not a pass by showing none).
    expect(amounts, `on a ${device}`).toBeGreaterThan(40);
    await context.close();
  }
}, 150_000);
