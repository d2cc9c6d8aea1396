// Revoking a key after the gateway lost its LISTEN connection (issue #21,
// finding 4): two gateway processes on a PostgreSQL of this file's own, which
// the tests restart, or whose listening sessions they cut. Losing the
// connection empties the key cache, so the change notification of a key whose
// streams were running found nothing to stop; and a change made while the
// listener was away was never heard at all.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import type { FakeProvider } from "#scripts/fake-providers/fake-server.ts";
import { startFakeOpenAI } from "#scripts/fake-providers/openai.ts";
import { createPrismaClient, type Prisma } from "../../app/db/prisma.server.ts";
import { createApiKey, createCatalogEntry, createUser } from "../support/factories.ts";
import { startGateway, type GatewayProcess } from "../support/gateway-process.ts";
import { expectLedgerClean } from "../support/ledger-totals.ts";
import { postCompletion } from "../support/completions.ts";
import {
  startRestartablePostgres,
  type RestartablePostgres,
} from "../support/restartable-postgres.ts";

let postgres: RestartablePostgres;
let prisma: Prisma;
let fake: FakeProvider;
let gateways: GatewayProcess[] = [];

beforeAll(async () => {
  postgres = await startRestartablePostgres();
  prisma = createPrismaClient(postgres.url, 2);
  fake = await startFakeOpenAI();
  await createCatalogEntry(prisma, { modelSlug: "long-story", upstreamModel: "long-story" });
  gateways = await Promise.all(
    ["gw-rc-a-", "gw-rc-b-"].map((prefix) =>
      startGateway({
        DATABASE_URL: postgres.url,
        OPENAI_API_KEY: "sk-fake",
        OPENAI_BASE_URL: fake.baseUrl,
        LOG_LEVEL: "warn",
        DATA_DIR: mkdtempSync(join(tmpdir(), prefix)),
      }),
    ),
  );
  // Each process builds its gateway (and its listener) at its first request.
  const { secret } = await customer();
  for (const gateway of gateways)
    expect((await postCompletion(gateway.baseUrl, secret, { model: "long-story" })).status).toBe(
      200,
    );
  await listenersBack();
}, 120_000);
afterAll(async () => {
  await Promise.all(gateways.map((gateway) => gateway.stop()));
  await expectLedgerClean(prisma);
  await fake.close();
  await prisma.$disconnect();
  await postgres.destroy();
});

/** Sessions whose last statement was a LISTEN, or that wait for an advisory lock (the instances' listeners). */
const listenerSessions = () =>
  prisma.$queryRaw<{ pid: number; waiting: boolean }[]>`
    SELECT pid, wait_event_type = 'Lock' AS waiting FROM pg_stat_activity
    WHERE datname = current_database() AND pid <> pg_backend_pid()
      AND (query LIKE 'LISTEN %' OR query LIKE '%pg_advisory_lock(%')`;

/** Until each instance listens again, on one session each (or the deadline passes). */
async function listenersBack() {
  for (let i = 0; i < 100; i++) {
    // The first queries after a restart may meet connections the restart cut.
    const sessions = await listenerSessions().catch(() => []);
    if (sessions.length === gateways.length && !sessions.some((s) => s.waiting)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function customer() {
  const user = await createUser(prisma, { credits: 100 });
  const { apiKey, secret } = await createApiKey(prisma, user.id);
  return { user, apiKey, secret };
}

/** One long stream per instance: sixty chunks, 200 ms apart (twelve seconds if nothing stops them). */
function longStreams(secret: string) {
  const chunks = Array.from({ length: 60 }, (_, i) => `w${i} `);
  return gateways.map(async (gateway) => {
    fake.scripts.enqueue("long-story", { chunks, chunkDelayMs: 200 });
    const response = await postCompletion(gateway.baseUrl, secret, {
      model: "long-story",
      stream: true,
      max_completion_tokens: 100,
    });
    const body = await response.text();
    return { status: response.status, body, endedAt: performance.now() };
  });
}

/** Each stream ended soon after `revokedAt` with the key_revoked error event, and was billed for its part. */
async function expectRevoked(
  streams: Promise<{ status: number; body: string; endedAt: number }>[],
  revokedAt: number,
  userId: string,
) {
  for (const { status, body, endedAt } of await Promise.all(streams)) {
    expect(status).toBe(200);
    expect(body).not.toContain('"content":"w59 "');
    expect(body).toMatch(
      /data: \{"error":\{"message":"[^"]+","type":"permission_error","code":"key_revoked"/,
    );
    expect(endedAt - revokedAt).toBeLessThan(5_000);
  }
  await expect
    .poll(() => prisma.conversation.count({ where: { userId } }), { timeout: 10_000 })
    .toBe(2);
  const rows = await prisma.conversation.findMany({ where: { userId } });
  for (const row of rows) expect(row).toMatchObject({ status: "ERROR", errorCode: "key_revoked" });
}

test("after a restart, each instance listens on one session again, not one per failed attempt", async () => {
  await postgres.restart(3_000);
  await listenersBack();
  expect(await listenerSessions()).toHaveLength(gateways.length);
}, 60_000);

test("a key deleted after a PostgreSQL restart ends its running streams on both instances", async () => {
  fake.scripts.received.length = 0;
  const { user, apiKey, secret } = await customer();
  const streams = longStreams(secret);
  await expect.poll(() => fake.scripts.received.length, { timeout: 5_000 }).toBe(2);
  await postgres.restart(2_000);
  await listenersBack();

  await prisma.apiKey.update({ where: { id: apiKey.id }, data: { deletedAt: new Date() } });
  const revokedAt = performance.now();
  // New requests are refused (a connection the restart cut may first cost one a 503).
  for (const gateway of gateways)
    await expect
      .poll(
        async () => (await postCompletion(gateway.baseUrl, secret, { model: "long-story" })).status,
      )
      .toBe(401);
  await expectRevoked(streams, revokedAt, user.id);
}, 60_000);

test("a key disabled while the listeners were away ends its running streams once they are back", async () => {
  await listenersBack();
  fake.scripts.received.length = 0;
  const { user, apiKey, secret } = await customer();
  const streams = longStreams(secret);
  await expect.poll(() => fake.scripts.received.length, { timeout: 5_000 }).toBe(2);
  // Cut only the listening sessions: the database stays up, the notification finds nobody.
  const cut = await listenerSessions();
  await prisma.$queryRaw`SELECT pg_terminate_backend(pid) FROM unnest(${cut.map((s) => s.pid)}::int[]) AS pid`;
  await expect.poll(async () => (await listenerSessions()).length).toBe(0);
  await prisma.apiKey.update({ where: { id: apiKey.id }, data: { enabled: false } });
  const revokedAt = performance.now();
  await expectRevoked(streams, revokedAt, user.id);
}, 60_000);
