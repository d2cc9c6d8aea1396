// The free onramp (FREE_ONRAMP, on outside production) gives 1,000 credits per
// Idempotency-Key; a person may take FREE_ONRAMP_PER_DAY of them per 24 hours,
// whichever account they go to (ADR 034). Issue #21, finding 10: each new key
// was another 1,000 credits, without end.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { getAccounts } from "../../app/accounts/accounts.server.ts";
import { startSession } from "../../app/accounts/session.server.ts";
import { createPrismaClient, type Prisma } from "../../app/db/prisma.server.ts";
import * as creditsPage from "../../app/routes/dashboard.credits.tsx";
import { creditsToMicro } from "../../app/utils/money.ts";
import { apiClient, startApiHarness } from "../support/api-harness.ts";
import { setupTestDatabase } from "../support/database.ts";
import { createUser } from "../support/factories.ts";
import { expectLedgerClean } from "../support/ledger-totals.ts";

const PER_DAY = 2;
const db = setupTestDatabase();
let prisma: Prisma;
let api: Awaited<ReturnType<typeof startApiHarness>>;

beforeAll(async () => {
  prisma = createPrismaClient(db.url);
  api = await startApiHarness(prisma, { payments: { freeOnrampPerDay: PER_DAY } });
});
afterAll(async () => {
  await api.close();
  await expectLedgerClean(prisma);
  await prisma.$disconnect();
  await getAccounts().prisma.$disconnect();
});

let counter = 0;
async function signedUp() {
  const client = apiClient(api.baseUrl);
  const response = await client.call("POST", "/api/auth/sign-up", {
    email: `farmer${++counter}@example.test`,
    password: "long enough password",
  });
  expect(response.status).toBe(201);
  return { client, id: response.json.user.id as string };
}

const onramp = (client: ReturnType<typeof apiClient>, key: string, query = "") =>
  client.call("POST", `/api/payments/onramp${query}`, undefined, { "idempotency-key": key });

const balanceOf = async (id: string) =>
  (await prisma.user.findUniqueOrThrow({ where: { id } })).balance;

describe("the JSON API", () => {
  test("past the daily limit: 429 with Retry-After, nothing credited; a replay is still answered", async () => {
    const { client, id } = await signedUp();
    for (let i = 0; i < PER_DAY; i++) expect((await onramp(client, `day-${i}`)).status).toBe(201);
    const refused = await onramp(client, "one-more");
    expect(refused.status).toBe(429);
    expect(refused.json.error).toMatchObject({
      type: "rate_limit_error",
      code: "free_onramp_limit",
    });
    expect(refused.json.error.message).toMatch(/2 per person per 24 hours \(FREE_ONRAMP_PER_DAY\)/);
    const wait = Number(refused.headers.get("retry-after"));
    expect(wait).toBeGreaterThan(23 * 3600);
    expect(wait).toBeLessThanOrEqual(24 * 3600);
    const replay = await onramp(client, "day-0");
    expect(replay.status).toBe(200);
    expect(replay.json.replayed).toBe(true);
    expect(await balanceOf(id)).toBe(creditsToMicro(1000 * PER_DAY));
  });

  test("many distinct keys at once credit the limit's worth, no more", async () => {
    const { client, id } = await signedUp();
    const answers = await Promise.all(
      Array.from({ length: 12 }, () => onramp(client, randomUUID())),
    );
    expect(answers.filter((answer) => answer.status === 201)).toHaveLength(PER_DAY);
    expect(answers.filter((answer) => answer.status === 429)).toHaveLength(12 - PER_DAY);
    expect(await balanceOf(id)).toBe(creditsToMicro(1000 * PER_DAY));
  });

  test("a new team is no way around it: the person's top-ups count for every account", async () => {
    const { client, id } = await signedUp();
    expect((await onramp(client, "own")).status).toBe(201);
    const team = await client.call("POST", "/api/teams", { name: "Farm" });
    const teamId = team.json.team.id as string;
    expect((await onramp(client, "team-1", `?team=${teamId}`)).status).toBe(201);
    expect((await onramp(client, "team-2", `?team=${teamId}`)).status).toBe(429);
    const other = await client.call("POST", "/api/teams", { name: "Farm 2" });
    expect((await onramp(client, "x", `?team=${other.json.team.id}`)).status).toBe(429);
    expect(await balanceOf(id)).toBe(creditsToMicro(1000));
    expect(await balanceOf(teamId)).toBe(creditsToMicro(1000));
  });

  test("24 hours after the oldest counted top-up, one more is let in", async () => {
    const { client, id } = await signedUp();
    for (let i = 0; i < PER_DAY; i++) expect((await onramp(client, `old-${i}`)).status).toBe(201);
    expect((await onramp(client, "early")).status).toBe(429);
    const oldest = await prisma.onrampTransaction.findFirstOrThrow({
      where: { userId: id, source: "ONRAMP" },
      orderBy: { id: "asc" },
    });
    await prisma.onrampTransaction.update({
      where: { id: oldest.id },
      data: { createdAt: new Date(Date.now() - 24 * 3600_000 - 1000) },
    });
    expect((await onramp(client, "next-day")).status).toBe(201);
    expect((await onramp(client, "next-day-2")).status).toBe(429);
  });
});

test("the Credits page's button says so with a 429", async () => {
  process.env.DATABASE_URL = db.url;
  process.env.SESSION_SECRET = "free-onramp-secret".padEnd(40, "x");
  process.env.FREE_ONRAMP_PER_DAY = "1";
  const user = await createUser(getAccounts().prisma);
  const cookie = (
    await startSession(getAccounts(), new Request("http://gateway.test"), user.id)
  ).split(";")[0]!;
  const press = async () => {
    const request = new Request("http://gateway.test/dashboard/credits", {
      method: "POST",
      headers: { cookie },
      body: new URLSearchParams({ intent: "free", token: randomUUID() }),
    });
    return (await creditsPage.action({ request, params: {}, context: {} } as never)) as unknown;
  };
  expect(JSON.stringify(await press())).toContain("Added 1,000.00 credits ($10.00).");
  const refused = (await press()) as { init: ResponseInit; data: { message: string } };
  expect(refused.init.status).toBe(429);
  expect(refused.data.message).toMatch(/^Free top-ups are limited to 1 per person per 24 hours/);
  expect(new Headers(refused.init.headers).get("retry-after")).toMatch(/^\d+$/);
  expect(await balanceOf(user.id)).toBe(user.balance + creditsToMicro(1000));
});
