// Pending payments whose webhook never came are reconciled with Stripe
// (ADR 045): the real SDK asks the fake Stripe for their Checkout Sessions,
// paid ones are credited once (whatever else credits them, and however many
// instances reconcile at once), expired ones are marked failed, young ones are
// left to their webhook.
import { randomUUID } from "node:crypto";
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
import { reconcilePendingPayments } from "../../app/payments/payment-reconciler.server.ts";
import { startCheckout } from "../../app/payments/payments.server.ts";
import { createLogger } from "../../app/observability/logger.server.ts";
import { creditsToMicro } from "../../app/utils/money.ts";
import { startApiHarness } from "../support/api-harness.ts";
import { setupTestDatabase } from "../support/database.ts";
import { createUser } from "../support/factories.ts";
import { expectLedgerClean } from "../support/ledger-totals.ts";

const db = setupTestDatabase();
const AFTER_SECONDS = 300;
const log = createLogger("silent");
let fake: FakeStripe;
/** Two gateway instances: each its own database pool and Stripe client. */
let instances: { prisma: Prisma; stripe: NonNullable<Awaited<ReturnType<typeof stripeFromEnv>>> }[];
let api: Awaited<ReturnType<typeof startApiHarness>>;

beforeAll(async () => {
  fake = await startFakeStripe();
  const stripeSetup = () =>
    stripeFromEnv({
      STRIPE_SECRET_KEY: FAKE_STRIPE_SECRET_KEY,
      STRIPE_WEBHOOK_SECRET: FAKE_WEBHOOK_SECRET,
      STRIPE_API_BASE: fake.baseUrl,
    }).then((setup) => setup!);
  instances = await Promise.all(
    [0, 1].map(async () => ({ prisma: createPrismaClient(db.url), stripe: await stripeSetup() })),
  );
  api = await startApiHarness(instances[0]!.prisma, {
    signupCredits: 0,
    payments: {
      freeOnramp: false,
      maxTopupPerDayUsd: 100_000,
      stripe: await stripeSetup(),
    },
  });
});
afterAll(async () => {
  await api.close();
  await expectLedgerClean(instances[0]!.prisma);
  await Promise.all(instances.map((instance) => instance.prisma.$disconnect()));
  await fake.close();
});

const reconcile = (instance = instances[0]!) =>
  reconcilePendingPayments(
    { prisma: instance.prisma, stripe: instance.stripe.stripe, log },
    AFTER_SECONDS,
  );

/** A pending payment of `cents` with its Checkout Session, started `minutesAgo`. */
async function pendingPayment(cents = 2500, minutesAgo = 10) {
  const { prisma, stripe } = instances[0]!;
  const user = await createUser(prisma);
  const { paymentId } = await startCheckout(prisma, stripe.stripe, {
    userId: user.id,
    amountCents: cents,
    idempotencyKey: randomUUID(),
    origin: "http://gateway.test",
    maxPerDayUsd: 100_000,
  });
  const payment = await prisma.payment.update({
    where: { id: paymentId },
    data: { createdAt: new Date(Date.now() - minutesAgo * 60_000) },
  });
  return { user, payment, sessionId: payment.checkoutSessionId! };
}

async function moneyOf(userId: string) {
  const prisma = instances[0]!.prisma;
  const rows = await prisma.onrampTransaction.findMany({ where: { userId } });
  const { balance } = await prisma.user.findUniqueOrThrow({ where: { id: userId } });
  return { rows: rows.map((row) => [row.source, row.amount]), balance };
}

const statusOf = async (paymentId: string) =>
  (await instances[0]!.prisma.payment.findUniqueOrThrow({ where: { id: paymentId } })).status;

const retrievals = (sessionId: string) =>
  fake.received.filter(
    (call) => call.method === "GET" && call.path === `/v1/checkout/sessions/${sessionId}`,
  ).length;

test("a paid payment whose webhook never came is credited once; a young one is left to its webhook", async () => {
  const old = await pendingPayment(2500, 10);
  const young = await pendingPayment(2500, 1);
  fake.pay(old.sessionId);
  fake.pay(young.sessionId);
  await reconcile();
  expect(await moneyOf(old.user.id)).toEqual({
    rows: [["STRIPE", creditsToMicro(2500)]],
    balance: creditsToMicro(2500),
  });
  expect(await statusOf(old.payment.id)).toBe("PAID");
  expect(retrievals(young.sessionId)).toBe(0);
  expect(await statusOf(young.payment.id)).toBe("PENDING");
  // Another round: nothing more for the paid one.
  await reconcile();
  expect((await moneyOf(old.user.id)).rows).toHaveLength(1);
  // The late webhook finds it paid: no second credit.
  const late = await postEvent(
    `${api.baseUrl}/api/payments/stripe/webhook`,
    fake.event("checkout.session.completed", fake.sessions.get(old.sessionId)!),
  );
  expect(await late.json()).toEqual({ received: true, outcome: "already" });
  expect(await moneyOf(old.user.id)).toEqual({
    rows: [["STRIPE", creditsToMicro(2500)]],
    balance: creditsToMicro(2500),
  });
});

test("the webhook first, then the reconciler: one credit", async () => {
  const { user, payment, sessionId } = await pendingPayment(1000, 10);
  fake.pay(sessionId);
  const delivered = await postEvent(
    `${api.baseUrl}/api/payments/stripe/webhook`,
    fake.event("checkout.session.completed", fake.sessions.get(sessionId)!),
  );
  expect(await delivered.json()).toEqual({ received: true, outcome: "credited" });
  await reconcile();
  expect(retrievals(sessionId)).toBe(0); // paid: nothing left to ask
  expect(await statusOf(payment.id)).toBe("PAID");
  expect((await moneyOf(user.id)).rows).toEqual([["STRIPE", creditsToMicro(1000)]]);
});

test("two instances reconciling at once: each paid payment credited once, each session asked about once", async () => {
  const payments = await Promise.all(Array.from({ length: 12 }, () => pendingPayment(700, 10)));
  for (const { sessionId } of payments) fake.pay(sessionId);
  const rounds = await Promise.all([
    reconcile(instances[0]),
    reconcile(instances[1]),
    reconcile(instances[0]),
    reconcile(instances[1]),
  ]);
  expect(rounds.reduce((sum, round) => sum + round.credited, 0)).toBe(12);
  for (const { user, payment, sessionId } of payments) {
    expect(await moneyOf(user.id)).toEqual({
      rows: [["STRIPE", creditsToMicro(700)]],
      balance: creditsToMicro(700),
    });
    expect(await statusOf(payment.id)).toBe("PAID");
    expect(retrievals(sessionId)).toBe(1);
  }
});

test("an expired Checkout is marked failed and credits nothing; an open one is asked about again only after the interval", async () => {
  const expired = await pendingPayment(2500, 30);
  const open = await pendingPayment(2500, 30);
  fake.expire(expired.sessionId);
  await reconcile();
  expect(await statusOf(expired.payment.id)).toBe("FAILED");
  expect(await moneyOf(expired.user.id)).toEqual({ rows: [], balance: 0n });
  expect(await statusOf(open.payment.id)).toBe("PENDING");
  expect(retrievals(open.sessionId)).toBe(1);
  await reconcile();
  expect(retrievals(open.sessionId)).toBe(1);
  // Once the interval has passed it is asked again: paid by then, it is credited.
  await instances[0]!.prisma.payment.update({
    where: { id: open.payment.id },
    data: { stripeCheckedAt: new Date(Date.now() - (AFTER_SECONDS + 1) * 1000) },
  });
  fake.pay(open.sessionId);
  await reconcile();
  expect(retrievals(open.sessionId)).toBe(2);
  expect((await moneyOf(open.user.id)).balance).toBe(creditsToMicro(2500));
});

test("Stripe down: nothing moves, and the payment is asked about again after the interval", async () => {
  const { user, payment, sessionId } = await pendingPayment(2500, 10);
  fake.pay(sessionId);
  fake.unavailable = true;
  try {
    expect(await reconcile()).toMatchObject({ errors: 1, credited: 0 });
  } finally {
    fake.unavailable = false;
  }
  expect(await statusOf(payment.id)).toBe("PENDING");
  await instances[0]!.prisma.payment.update({
    where: { id: payment.id },
    data: { stripeCheckedAt: new Date(Date.now() - (AFTER_SECONDS + 1) * 1000) },
  });
  expect(await reconcile()).toMatchObject({ credited: 1 });
  expect((await moneyOf(user.id)).balance).toBe(creditsToMicro(2500));
});
