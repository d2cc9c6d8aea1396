// Paying in, end to end, on two production-build gateways sharing one
// PostgreSQL, with the fake Stripe: the Credits page in Chromium → Checkout
// (the fake's page) → back to the gateway, which asks Stripe itself and shows
// the credits without waiting for a webhook ("crediting…" while Stripe does not
// answer, for a bounded while); the webhook's exactly-once across two processes
// receiving the same deliveries at once; and a third process whose reconciler
// credits a payment nobody came back from and no webhook announced.
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
import { stripeFromEnv } from "../../app/payments/payment-settings.server.ts";
import { startCheckout } from "../../app/payments/payments.server.ts";
import { creditsToMicro } from "../../app/utils/money.ts";
import { setupTestDatabase } from "../support/database.ts";
import { createUser } from "../support/factories.ts";
import { startGateway, stopCleanly, type GatewayProcess } from "../support/gateway-process.ts";
import { launchBrowser, signUpInBrowser } from "../support/browser.ts";
import { expectLedgerClean } from "../support/ledger-totals.ts";

const SCREENSHOTS = join(import.meta.dirname, "..", "..", "test-results");
const db = setupTestDatabase();
let prisma: Prisma;
let stripe: FakeStripe;
let gateways: GatewayProcess[];
let browser: Browser;
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

const gatewayEnv = () => ({
  DATABASE_URL: db.url,
  DATA_DIR: mkdtempSync(join(tmpdir(), "gw-pay-")),
  LOG_LEVEL: "warn",
  FREE_ONRAMP: "false",
  STRIPE_SECRET_KEY: FAKE_STRIPE_SECRET_KEY,
  STRIPE_WEBHOOK_SECRET: FAKE_WEBHOOK_SECRET,
  STRIPE_API_BASE: stripe.baseUrl,
});

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  prisma = createPrismaClient(db.url);
  stripe = await startFakeStripe();
  gateways = await Promise.all([startGateway(gatewayEnv()), startGateway(gatewayEnv())]);
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

/** Signs up in a new page and starts a checkout of `usd` at the fake Stripe's page. */
async function atCheckout(javaScriptEnabled: boolean, usd: string, viewport = DESKTOP) {
  const page = await browser.newPage({ javaScriptEnabled, viewport });
  const base = gateways[0]!.baseUrl;
  const email = `payer-${javaScriptEnabled}-${Date.now()}@example.test`;
  await signUpInBrowser(page, base, email);
  await page.goto(`${base}/dashboard/credits`);
  // The free top-up is off here: only card payments.
  expect(await page.getByRole("button", { name: /free credits/ }).count()).toBe(0);
  await page.getByLabel("Other amount in US dollars").fill(usd);
  await page.getByRole("radio", { name: /Other/ }).check();
  await page.getByRole("button", { name: "Pay with Stripe" }).click();
  await page.waitForURL(new RegExp(`^${stripe.baseUrl}/pay/cs_test_`));
  expect(await page.getByText(`Pay $${usd}`).isVisible()).toBe(true);
  const sessionId = new URL(page.url()).pathname.split("/").at(-1)!;
  return { page, email, sessionId };
}

test.each([
  ["with JavaScript", true],
  ["without JavaScript", false],
])(
  "Credits page → Checkout → back, no webhook: the page asks Stripe and shows the credits; the late webhook adds nothing (%s)",
  async (_name, javaScriptEnabled) => {
    const { page, email, sessionId } = await atCheckout(javaScriptEnabled, "12.34");
    // The webhook is lost (misconfigured endpoint): only the return page can credit.
    const url = stripe.webhookUrl;
    stripe.webhookUrl = undefined;
    try {
      await page.getByRole("button", { name: "Pay" }).click();
      await page.waitForURL(/\/dashboard\/credits\?payment=/);
    } finally {
      stripe.webhookUrl = url;
    }
    const status = page.getByTestId("payment-status");
    expect(await status.textContent()).toBe("Payment received: 1,234.00 credits ($12.34) added.");
    expect(await page.getByTestId("balance").textContent()).toBe("1,234.00 credits");
    // The header's balance too: it was read after the crediting, not beside it.
    expect(await page.getByLabel("Balance", { exact: true }).textContent()).toBe(
      "1,234.00 credits ($12.34)",
    );
    const row = page.getByRole("row", { name: /\$12\.34/ });
    expect(await row.getByText("paid").isVisible()).toBe(true);
    await page.screenshot({
      path: join(SCREENSHOTS, `payment-credited-without-webhook-${javaScriptEnabled}.png`),
    });
    // The webhook, much later: already credited.
    const late = await postEvent(
      url!,
      stripe.event("checkout.session.completed", stripe.sessions.get(sessionId)!),
    );
    expect(await late.json()).toEqual({ received: true, outcome: "already" });
    await page.reload();
    expect(await page.getByTestId("balance").textContent()).toBe("1,234.00 credits");
    const user = await prisma.user.findUniqueOrThrow({ where: { email } });
    expect(user.balance).toBe(creditsToMicro(1234));
    expect(await prisma.onrampTransaction.count({ where: { userId: user.id } })).toBe(1);
    await page.close();
  },
);

test.each([
  ["with JavaScript", true],
  ["without JavaScript", false],
])(
  "Stripe slow to answer: “crediting…”, and the page looks again by itself until the credits show (%s)",
  async (_name, javaScriptEnabled) => {
    const { page } = await atCheckout(javaScriptEnabled, "20.00");
    const url = stripe.webhookUrl;
    stripe.webhookUrl = undefined;
    stripe.unavailable = true;
    try {
      await page.getByRole("button", { name: "Pay" }).click();
      await page.waitForURL(/\/dashboard\/credits\?payment=/);
      const status = page.getByTestId("payment-status");
      expect(await status.textContent()).toMatch(/crediting…/);
      await page.screenshot({
        path: join(SCREENSHOTS, `payment-crediting-${javaScriptEnabled}.png`),
      });
      // With JavaScript the page looks again without reloading, and only so: a meta refresh
      // beside it would make two looks at once (the header then read beside the crediting).
      const documents: string[] = [];
      page.on("request", (request) => {
        if (request.resourceType() === "document") documents.push(request.url());
      });
      await page.waitForTimeout(4_500);
      if (javaScriptEnabled) expect(documents).toEqual([]);
      else expect(documents.length).toBeGreaterThanOrEqual(1);
      stripe.unavailable = false;
      await expect
        .poll(() => status.textContent(), { timeout: 10_000 })
        .toBe("Payment received: 2,000.00 credits ($20.00) added.");
      expect(await page.getByLabel("Balance", { exact: true }).textContent()).toBe(
        "2,000.00 credits ($20.00)",
      );
      expect(await page.getByTestId("balance").textContent()).toBe("2,000.00 credits");
    } finally {
      stripe.unavailable = false;
      stripe.webhookUrl = url;
    }
    await page.close();
  },
);

test("Stripe not answering for a minute, on a phone: the page stops looking and says what to do", async () => {
  const { page } = await atCheckout(true, "15.00", PHONE);
  const url = stripe.webhookUrl;
  stripe.webhookUrl = undefined;
  stripe.unavailable = true;
  try {
    await page.getByRole("button", { name: "Pay" }).click();
    await page.waitForURL(/\/dashboard\/credits\?payment=/);
    // The last look of the bounded wait (the page counts them in its URL).
    await page.goto(page.url().replace(/(&check=\d+)?$/, "&check=30"));
    const status = page.getByTestId("payment-status");
    expect(await status.getAttribute("role")).toBe("alert");
    expect(await status.textContent()).toMatch(/^Stripe has not confirmed this payment yet\./);
    expect(await status.textContent()).toMatch(/tell the gateway's admin payment [0-9a-f-]{36}/);
    // Nothing off-screen on the phone.
    const box = (await status.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width);
    await page.screenshot({ path: join(SCREENSHOTS, "payment-gave-up-phone.png") });
    // No further look by itself.
    const stayed = page.url();
    await page.waitForTimeout(2_500);
    expect(page.url()).toBe(stayed);
    stripe.unavailable = false;
    await page.getByRole("link", { name: "Check again" }).click();
    await expect
      .poll(() => status.textContent(), { timeout: 10_000 })
      .toBe("Payment received: 1,500.00 credits ($15.00) added.");
    await page.screenshot({ path: join(SCREENSHOTS, "payment-credited-phone.png") });
  } finally {
    stripe.unavailable = false;
    stripe.webhookUrl = url;
  }
  await page.close();
});

test("auto top-up in the browser: save a card through Checkout (setup mode), then switch it on", async () => {
  const page = await browser.newPage({ viewport: DESKTOP });
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
    .poll(() =>
      page
        .getByText(
          /Auto top-up on: under 100\.00 credits \(\$1\.00\), your card is charged for 2,000\.00 credits \(\$20\.00\)/,
        )
        .isVisible(),
    )
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

test("a gateway's reconciler credits a paid payment that no webhook announced and nobody came back from", async () => {
  const reconciling = await startGateway({ ...gatewayEnv(), PAYMENT_RECONCILE_AFTER_SECONDS: "1" });
  try {
    const user = await createUser(prisma);
    const sdk = await stripeFromEnv({
      STRIPE_SECRET_KEY: FAKE_STRIPE_SECRET_KEY,
      STRIPE_WEBHOOK_SECRET: FAKE_WEBHOOK_SECRET,
      STRIPE_API_BASE: stripe.baseUrl,
    });
    const { paymentId } = await startCheckout(prisma, sdk!.stripe, {
      userId: user.id,
      amountCents: 3300,
      idempotencyKey: "reconciled-in-a-process",
      origin: gateways[0]!.baseUrl,
      maxPerDayUsd: 200,
    });
    const { checkoutSessionId } = await prisma.payment.findUniqueOrThrow({
      where: { id: paymentId },
    });
    stripe.pay(checkoutSessionId!); // paid at Stripe; no event is sent
    await expect
      .poll(
        async () => (await prisma.payment.findUniqueOrThrow({ where: { id: paymentId } })).status,
        { timeout: 15_000, interval: 250 },
      )
      .toBe("PAID");
    const credits = await prisma.onrampTransaction.findMany({ where: { userId: user.id } });
    expect(credits.map((row) => [row.source, row.amount])).toEqual([
      ["STRIPE", creditsToMicro(3300)],
    ]);
    expect(reconciling.messages()).toMatch(/reconciled pending payments with Stripe/);
  } finally {
    await stopCleanly(reconciling);
  }
}, 60_000);
