// Paying in, end to end, on two production-build gateways sharing one
// PostgreSQL, with the fake Stripe: the Credits page in Chromium → Checkout
// (the fake's page) → back to the gateway, which shows "crediting…" until the
// webhook lands, then the credits; and the webhook's exactly-once across two
// processes receiving the same deliveries at once.
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import {
  FAKE_STRIPE_SECRET_KEY,
  FAKE_WEBHOOK_SECRET,
  postEvent,
  startFakeStripe,
  type FakeStripe,
} from "#scripts/fake-providers/stripe.ts";
import { createPrismaClient, type Prisma } from "../../app/db/prisma.server.ts";
import { creditsToMicro } from "../../app/utils/money.ts";
import { setupTestDatabase } from "../support/database.ts";
import { createUser } from "../support/factories.ts";
import { startGateway, type GatewayProcess } from "../support/gateway-process.ts";
import { launchBrowser, signUpInBrowser } from "../support/browser.ts";
import { expectLedgerClean } from "../support/ledger-totals.ts";

const SCREENSHOTS = join(import.meta.dirname, "..", "..", "test-results");
const db = setupTestDatabase();
let prisma: Prisma;
let stripe: FakeStripe;
let gateways: GatewayProcess[];
let browser: Browser;

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  prisma = createPrismaClient(db.url);
  stripe = await startFakeStripe();
  const env = () => ({
    DATABASE_URL: db.url,
    DATA_DIR: mkdtempSync(join(tmpdir(), "gw-pay-")),
    LOG_LEVEL: "warn",
    FREE_ONRAMP: "false",
    STRIPE_SECRET_KEY: FAKE_STRIPE_SECRET_KEY,
    STRIPE_WEBHOOK_SECRET: FAKE_WEBHOOK_SECRET,
    STRIPE_API_BASE: stripe.baseUrl,
  });
  gateways = await Promise.all([startGateway(env()), startGateway(env())]);
  // The checkout page tells the first gateway, as Stripe would.
  stripe.webhookUrl = `${gateways[0]!.baseUrl}/api/payments/stripe/webhook`;
  browser = await launchBrowser();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all((gateways ?? []).map((gateway) => gateway.stop()));
  await stripe?.close();
  await expectLedgerClean(prisma);
  await prisma?.$disconnect();
});

test.each([
  ["with JavaScript", true],
  ["without JavaScript", false],
])(
  "Credits page → Checkout → back: “crediting…”, then the credits (%s)",
  async (_name, javaScriptEnabled) => {
    const page = await browser.newPage({
      javaScriptEnabled,
      viewport: { width: 1280, height: 900 },
    });
    const base = gateways[0]!.baseUrl;
    const email = `payer-${javaScriptEnabled}-${Date.now()}@example.test`;
    await signUpInBrowser(page, base, email);
    await page.goto(`${base}/dashboard/credits`);
    // The free top-up is off here: only card payments.
    expect(await page.getByRole("button", { name: /free credits/ }).count()).toBe(0);
    await page.getByLabel("Other amount in US dollars").fill("12.34");
    await page.getByRole("radio", { name: /Other/ }).check();
    await page.getByRole("button", { name: "Pay with Stripe" }).click();
    await page.waitForURL(new RegExp(`^${stripe.baseUrl}/pay/cs_test_`));
    expect(await page.getByText("Pay $12.34").isVisible()).toBe(true);
    // Delivered late, as webhooks can be: the page first says it is crediting.
    const url = stripe.webhookUrl;
    stripe.webhookUrl = undefined;
    await page.getByRole("button", { name: "Pay" }).click();
    await page.waitForURL(/\/dashboard\/credits\?payment=/);
    const status = page.getByTestId("payment-status");
    expect(await status.textContent()).toMatch(/crediting…/);
    await page.screenshot({
      path: join(SCREENSHOTS, `payment-crediting-${javaScriptEnabled}.png`),
    });
    const sessionId = [...stripe.sessions.values()].at(-1)!.id;
    stripe.webhookUrl = url;
    const delivered = await postEvent(
      url!,
      stripe.event("checkout.session.completed", stripe.sessions.get(sessionId)!),
    );
    expect(delivered.status).toBe(200);
    // The page looks again by itself (a revalidation, or the refresh without JavaScript).
    await expect
      .poll(() => status.textContent(), { timeout: 10_000 })
      .toBe("Payment received: 1,234.00 credits added.");
    expect(await page.getByTestId("balance").textContent()).toBe("1,234.00 credits");
    const row = page.getByRole("row", { name: /\$12\.34/ });
    expect(await row.getByText("paid").isVisible()).toBe(true);
    await page.screenshot({ path: join(SCREENSHOTS, `payment-credited-${javaScriptEnabled}.png`) });
    const user = await prisma.user.findUniqueOrThrow({ where: { email } });
    expect(user.balance).toBe(creditsToMicro(1234));
    await page.close();
  },
);

test("auto top-up in the browser: save a card through Checkout (setup mode), then switch it on", async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const base = gateways[0]!.baseUrl;
  const email = `auto-${Date.now()}@example.test`;
  await signUpInBrowser(page, base, email);
  await page.goto(`${base}/dashboard/credits`);
  expect(await page.getByRole("checkbox", { name: "On" }).isDisabled()).toBe(true);
  await page.getByRole("button", { name: "Save a card" }).click();
  await page.waitForURL(new RegExp(`^${stripe.baseUrl}/pay/cs_test_`));
  await page.getByRole("button", { name: "Pay" }).click();
  await page.waitForURL(/\/dashboard\/credits\?card=saved/);
  expect(await page.getByText("Card saved for auto top-up.").isVisible()).toBe(true);
  await expect.poll(() => page.getByText("A card is saved.").isVisible()).toBe(true);
  await page.getByRole("checkbox", { name: "On" }).check();
  await page.getByLabel("Under (credits)").fill("100");
  await page.getByLabel("Charge (US$)").fill("20");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect
    .poll(() => page.getByText(/Auto top-up on: under 100 credits, \$20\.00/).isVisible())
    .toBe(true);
  await page.screenshot({ path: join(SCREENSHOTS, "auto-topup-on.png"), fullPage: true });
  const user = await prisma.user.findUniqueOrThrow({
    where: { email },
    include: { autoTopUp: true },
  });
  expect(user.autoTopUp).toMatchObject({ enabled: true, amountCents: 2000 });
  expect(user.autoTopUp?.paymentMethodId).toMatch(/^pm_test_/);
  await page.close();
});

test("20 concurrent deliveries across two gateway processes, both kinds of event: one credit", async () => {
  const user = await createUser(prisma);
  const payment = await prisma.payment.create({
    data: {
      userId: user.id,
      amountCents: 5000,
      credits: creditsToMicro(5000),
      idempotencyKey: "two-instances",
    },
  });
  const session = {
    id: "cs_test_two_instances",
    object: "checkout.session",
    mode: "payment",
    status: "complete",
    payment_status: "paid",
    amount_total: 5000,
    currency: "usd",
    metadata: { payment_id: payment.id },
    payment_intent: "pi_test_two_instances",
  };
  const intent = {
    id: "pi_test_two_instances",
    object: "payment_intent",
    amount: 5000,
    amount_received: 5000,
    currency: "usd",
    metadata: { payment_id: payment.id },
    status: "succeeded",
  };
  const events = [
    stripe.event("checkout.session.completed", session),
    stripe.event("payment_intent.succeeded", intent),
  ];
  const statuses = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      postEvent(`${gateways[i % 2]!.baseUrl}/api/payments/stripe/webhook`, events[i % 2]!).then(
        (response) => response.status,
      ),
    ),
  );
  expect(statuses).toEqual(Array.from({ length: 20 }, () => 200));
  const credits = await prisma.onrampTransaction.findMany({ where: { userId: user.id } });
  expect(credits.map((row) => [row.source, row.amount])).toEqual([
    ["STRIPE", creditsToMicro(5000)],
  ]);
  expect((await prisma.user.findUniqueOrThrow({ where: { id: user.id } })).balance).toBe(
    creditsToMicro(5000),
  );
  const stored = await prisma.stripeEvent.findMany({
    where: { id: { in: events.map((e) => e.id) } },
  });
  expect(stored.map((event) => event.attempts).sort()).toEqual([10, 10]);
});
