// The gateway's LISTEN connection across PostgreSQL restarts (issue #21):
// two gateway processes on a PostgreSQL of this file's own, which the tests restart.
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

test("after a restart, each instance listens on one session again, not one per failed attempt", async () => {
  await postgres.restart(3_000);
  await listenersBack();
  expect(await listenerSessions()).toHaveLength(gateways.length);
}, 60_000);
