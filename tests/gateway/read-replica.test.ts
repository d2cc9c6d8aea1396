// DATABASE_REPLICA_URL (ADR 064) against a real streaming replica (PostgreSQL's
// own replication, started here): the dashboard's usage figures are read from
// the replica, money from the primary; while the replica lags the pages say as
// of when their figures are; past DATABASE_REPLICA_MAX_LAG_MS, or with the
// replica down, the primary answers and the pages are current again.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI from "openai";
import { afterAll, beforeAll, expect, test } from "vitest";
import type { FakeProvider } from "#scripts/fake-providers/fake-server.ts";
import { startFakeOpenAI } from "#scripts/fake-providers/openai.ts";
import { createPrismaClient, type Prisma } from "../../app/db/prisma.server.ts";
import { createApiKey, createCatalogEntry, createUser } from "../support/factories.ts";
import { expectLedgerClean } from "../support/ledger-totals.ts";
import { startGateway, stopCleanly, type GatewayProcess } from "../support/gateway-process.ts";
import { startPrimaryWithReplica, type PrimaryWithReplica } from "../support/streaming-replica.ts";
import { signedInCookie } from "../support/sign-in.ts";

const MAX_LAG_MS = 8_000;
let cluster: PrimaryWithReplica;
let prisma: Prisma;
let fake: FakeProvider;
let gateway: GatewayProcess;
let account: { id: string; email: string; secret: string; cookie: string };

beforeAll(async () => {
  cluster = await startPrimaryWithReplica();
  prisma = createPrismaClient(cluster.primaryUrl);
  fake = await startFakeOpenAI();
  await createCatalogEntry(prisma, { modelSlug: "replicated" });
  const user = await createUser(prisma, { credits: 10 });
  const { secret } = await createApiKey(prisma, user.id);
  gateway = await startGateway({
    DATABASE_URL: cluster.primaryUrl,
    DATABASE_REPLICA_URL: cluster.replicaUrl,
    DATABASE_REPLICA_MAX_LAG_MS: String(MAX_LAG_MS),
    OPENAI_API_KEY: "sk-fake",
    OPENAI_BASE_URL: fake.baseUrl,
    DATA_DIR: mkdtempSync(join(tmpdir(), "gw-replica-")),
  });
  const cookie = await signedInCookie(gateway.baseUrl, user.email);
  account = { id: user.id, email: user.email!, secret, cookie };
}, 90_000);

afterAll(async () => {
  if (gateway) await stopCleanly(gateway);
  // Whatever the test did, the account agrees with its history.
  if (prisma) await expectLedgerClean(prisma);
  await prisma?.$disconnect();
  await fake?.close();
  await cluster?.destroy();
});

const ask = () =>
  new OpenAI({
    apiKey: account.secret,
    baseURL: `${gateway.baseUrl}/v1`,
    maxRetries: 0,
  }).chat.completions.create({
    model: "replicated",
    messages: [{ role: "user", content: "Hi" }],
    max_completion_tokens: 10,
  });

/** The usage page as the signed-in user sees it: its rows and whether it says its figures are behind. */
async function usagePage() {
  const response = await fetch(`${gateway.baseUrl}/dashboard/usage`, {
    headers: { cookie: account.cookie },
  });
  expect(response.status).toBe(200);
  const html = await response.text();
  return {
    rows: html.match(/href="\/dashboard\/usage\/\d+"/g)?.length ?? 0,
    behind: html.includes('data-testid="usage-as-of"'),
  };
}

const primaryRows = () => prisma.conversation.count({ where: { userId: account.id } });

test("usage is read from the replica; while it lags the page says so, past the limit the primary answers", async () => {
  await ask();
  await expect.poll(primaryRows).toBe(1); // settled just after the answer
  // Replicated: the page shows the request, and does not say it is behind.
  await expect.poll(usagePage, { timeout: 10_000 }).toEqual({ rows: 1, behind: false });

  // The replica stops replaying: the next request is on the primary only.
  await cluster.pauseReplay();
  await ask();
  await expect.poll(primaryRows).toBe(2);
  // Behind by more than a moment, the page reads the replica still, and says as of when.
  await expect.poll(usagePage, { timeout: MAX_LAG_MS }).toEqual({ rows: 1, behind: true });
  const overview = await fetch(`${gateway.baseUrl}/dashboard`, {
    headers: { cookie: account.cookie },
  }).then((response) => response.text());
  expect(overview).toContain('data-testid="usage-as-of"');
  // Past DATABASE_REPLICA_MAX_LAG_MS the primary answers: current, no notice.
  await expect.poll(usagePage, { timeout: MAX_LAG_MS + 5_000 }).toEqual({ rows: 2, behind: false });

  // Caught up again, the replica serves the page once more: paused again, the page
  // misses the next request and says it is behind.
  await cluster.resumeReplay();
  await expect.poll(usagePage, { timeout: 10_000 }).toEqual({ rows: 2, behind: false });
  await new Promise((resolve) => setTimeout(resolve, 2_000)); // its lag measured again
  await cluster.pauseReplay();
  await ask();
  await expect.poll(usagePage, { timeout: MAX_LAG_MS }).toEqual({ rows: 2, behind: true });
  await cluster.resumeReplay();
  await expect.poll(usagePage, { timeout: 10_000 }).toEqual({ rows: 3, behind: false });
});

test("with the replica down the primary answers; back, the replica serves again", async () => {
  await cluster.stopReplica();
  await ask();
  await expect
    .poll(() => gateway.messages(), { timeout: 10_000 })
    .toContain("read replica unreachable: usage reads go to the primary");
  await expect.poll(usagePage, { timeout: 10_000 }).toEqual({ rows: 4, behind: false });

  await cluster.startReplica();
  await expect
    .poll(() => gateway.messages().split("read replica unreachable").at(-1), { timeout: 15_000 })
    .toContain("read replica reachable: usage reads go to it");
  await expect.poll(usagePage, { timeout: 10_000 }).toEqual({ rows: 4, behind: false });
});
