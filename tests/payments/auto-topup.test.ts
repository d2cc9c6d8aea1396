// Auto top-up (issue #11): a card saved through a setup-mode Checkout, then an
// off-session charge when settles leave the balance under the threshold: one
// charge however many settles cross it at once on two gateway instances,
// credited once by its webhook; a declined card leaves a notice and a cooldown.
import OpenAI from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import {
  FAKE_STRIPE_SECRET_KEY,
  FAKE_WEBHOOK_SECRET,
  postEvent,
  startFakeStripe,
  type FakeStripe,
} from "#scripts/fake-providers/stripe.ts";
import { saveAutoTopUp, startCardSetup } from "../../app/payments/auto-topup-settings.server.ts";
import { stripeFromEnv, type StripeSetup } from "../../app/payments/payment-settings.server.ts";
import { creditsToMicro } from "../../app/utils/money.ts";
import { startApiHarness } from "../support/api-harness.ts";
import { createApiKey, createCatalogEntry, createUser } from "../support/factories.ts";
import { startGatewayHarness, type GatewayHarness } from "../support/gateway-harness.ts";
import { ledgerTotals } from "../support/ledger-totals.ts";
import { setupTestPrisma } from "../support/test-prisma.ts";

const COOLDOWN_MS = 60_000;
const { db, prisma } = setupTestPrisma({ checkLedger: true });
let fake: FakeStripe;
let setup: StripeSetup;
let api: Awaited<ReturnType<typeof startApiHarness>>;
let gateways: GatewayHarness[];

beforeAll(async () => {
  fake = await startFakeStripe();
  setup = (await stripeFromEnv({
    STRIPE_SECRET_KEY: FAKE_STRIPE_SECRET_KEY,
    STRIPE_WEBHOOK_SECRET: FAKE_WEBHOOK_SECRET,
    STRIPE_API_BASE: fake.baseUrl,
  }))!;
  api = await startApiHarness(prisma, { payments: { stripe: setup } });
  fake.webhookUrl = `${api.baseUrl}/api/payments/stripe/webhook`;
  gateways = await Promise.all(
    [0, 1].map(() =>
      startGatewayHarness(db.url, { stripe: setup.stripe, autoTopUpCooldownMs: COOLDOWN_MS }),
    ),
  );
  // About 0.4 credits a request (the fake's usage at these prices).
  await createCatalogEntry(prisma, {
    modelSlug: "topped-up",
    usd: { input: "100.00", cachedInput: "100.00", output: "400.00" },
  });
});
afterAll(async () => {
  await Promise.all(gateways.map((gateway) => gateway.close()));
  await api.close();
  await fake.close();
});
beforeEach(() => fake.declined.clear());

/** A user with `credits`, a card saved through the setup-mode Checkout (its webhook), and auto top-up on. */
async function withAutoTopUp(credits: number, declined = false) {
  const user = await createUser(prisma, { credits });
  const url = await startCardSetup(prisma, setup.stripe, {
    userId: user.id,
    email: user.email,
    origin: "http://gateway.test",
  });
  const sessionId = new URL(url).pathname.split("/").at(-1)!;
  const { session, paymentMethod } = fake.saveCard(sessionId);
  const delivered = await postEvent(
    fake.webhookUrl!,
    fake.event("checkout.session.completed", session),
  );
  expect(await delivered.json()).toMatchObject({ outcome: "card saved" });
  if (declined) fake.declined.add(paymentMethod);
  expect(
    await saveAutoTopUp(prisma, user.id, {
      enabled: true,
      thresholdCredits: 50,
      amountCents: 2000,
    }),
  ).toBe(true);
  const { secret } = await createApiKey(prisma, user.id);
  // Its events are queued for this endpoint (ADR 068); nothing listens there.
  await prisma.webhookEndpoint.create({
    data: {
      accountId: user.id,
      url: "http://127.0.0.1:9/hooks",
      secret: "sealed",
      prefix: "whsec_",
    },
  });
  const clients = gateways.map(
    (gateway) => new OpenAI({ apiKey: secret, baseURL: `${gateway.baseUrl}/v1`, maxRetries: 0 }),
  );
  return { user, paymentMethod, clients };
}

/** The events queued for the account's endpoint, in the order they were queued. */
const eventsOf = async (accountId: string) =>
  (
    await prisma.webhookDelivery.findMany({
      where: { endpoint: { accountId } },
      orderBy: { id: "asc" },
      select: { event: true },
    })
  ).map((delivery) => delivery.event);

const ask = (client: OpenAI) =>
  client.chat.completions.create({
    model: "topped-up",
    messages: [{ role: "user", content: "Hi" }],
    max_tokens: 20,
  });

const chargesFor = (paymentMethod: string) =>
  fake.received.filter(
    (call) => call.path === "/v1/payment_intents" && call.body.payment_method === paymentMethod,
  );

describe("auto top-up", () => {
  test("enabling it needs a saved card", async () => {
    const user = await createUser(prisma);
    expect(
      await saveAutoTopUp(prisma, user.id, {
        enabled: true,
        thresholdCredits: 50,
        amountCents: 2000,
      }),
    ).toBe(false);
  });

  test("50 settles crossing the threshold at once on two instances: one charge, credited once", async () => {
    const { user, paymentMethod, clients } = await withAutoTopUp(60);
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => ask(clients[i % 2]!).then(() => "ok", String)),
    );
    // Enough settles to cross the threshold (25 at 0.4 credits); how many of the 50 holds
    // fit in the balance at once depends on how the requests interleave with settles.
    expect(answers.filter((answer) => answer === "ok").length).toBeGreaterThanOrEqual(30);
    // The charge was made (once) and its webhook credited $20 (2,000 credits) once.
    await expect.poll(() => chargesFor(paymentMethod).length).toBe(1);
    await expect
      .poll(async () =>
        prisma.onrampTransaction.count({ where: { userId: user.id, source: "STRIPE" } }),
      )
      .toBe(1);
    const payment = await prisma.payment.findFirstOrThrow({ where: { userId: user.id } });
    expect(payment).toMatchObject({ auto: true, status: "PAID", amountCents: 2000 });
    expect(chargesFor(paymentMethod)[0]).toMatchObject({
      idempotencyKey: `auto-topup-${payment.id}`,
      body: { off_session: "true", confirm: "true", metadata: { payment_id: payment.id } },
    });
    const settings = await prisma.autoTopUp.findUniqueOrThrow({ where: { userId: user.id } });
    expect(settings.inFlightUntil).toBeNull();
    const totals = await ledgerTotals(prisma, user.id);
    expect(totals.topUps).toBe(creditsToMicro(60 + 2000));
    // The requests took it under 50 credits: that is what started the charge.
    expect(totals.charges).toBeGreaterThan(creditsToMicro(10));
    expect(totals.balance).toBe(totals.topUps - totals.charges);
    // Above the threshold again: more requests start nothing more.
    await Promise.all(clients.map((client) => ask(client)));
    expect(chargesFor(paymentMethod)).toHaveLength(1);
    // The webhook may credit the payment before the charge's answer is back: either order.
    expect((await eventsOf(user.id)).sort()).toEqual(["auto_topup.charged", "payment.succeeded"]);
  });

  test("a declined card: the payment failed, the reason kept for the dashboard, no retry during the cooldown", async () => {
    const { user, paymentMethod, clients } = await withAutoTopUp(51, true);
    for (let i = 0; i < 6; i++) await ask(clients[i % 2]!);
    await expect.poll(() => chargesFor(paymentMethod).length).toBe(1);
    await expect
      .poll(
        async () =>
          (await prisma.autoTopUp.findUniqueOrThrow({ where: { userId: user.id } })).lastError,
      )
      .toMatch(/Your card was declined/);
    for (let i = 0; i < 6; i++) await ask(clients[i % 2]!);
    expect(chargesFor(paymentMethod)).toHaveLength(1);
    expect(await prisma.payment.findFirstOrThrow({ where: { userId: user.id } })).toMatchObject({
      status: "FAILED",
      auto: true,
    });
    const settings = await prisma.autoTopUp.findUniqueOrThrow({ where: { userId: user.id } });
    expect(settings).toMatchObject({ inFlightUntil: null });
    expect(settings.failedAt).toBeInstanceOf(Date);
    expect(await eventsOf(user.id)).toEqual(["auto_topup.declined", "payment.failed"]);
  });
});
