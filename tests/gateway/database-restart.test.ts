// PostgreSQL restarted under a running gateway (its own embedded cluster here,
// so that no other test file sees it go): requests get a clean 503 while it is
// down, a stream in flight is answered and charged once it is back, the pool
// recovers, and no charge is lost or doubled.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { checkLedger } from "../../app/billing/ledger-check.server.ts";
import { migrate } from "../../app/db/migrator.server.ts";
import { createPrismaClient, type Prisma } from "../../app/db/prisma.server.ts";
import {
  startEmbeddedPostgres,
  type EmbeddedPostgres,
} from "../../app/server/embedded-postgres.server.ts";
import { createLogger } from "../../app/server/logger.server.ts";
import { createApiKey, createCatalogEntry, createUser } from "../support/factories.ts";
import { startGatewayHarness, type GatewayHarness } from "../support/gateway-harness.ts";
import { freePort } from "../support/gateway-process.ts";
import { postCompletion } from "../support/completions.ts";

const dataDir = mkdtempSync(join(tmpdir(), "gateway-restart-"));
let port: number;
let postgres: EmbeddedPostgres;
let prisma: Prisma;
let harness: GatewayHarness;

const startPostgres = () => startEmbeddedPostgres({ dataDir, port, log: createLogger("warn") });

beforeAll(async () => {
  port = await freePort();
  postgres = await startPostgres();
  await migrate(postgres.url);
  prisma = createPrismaClient(postgres.url);
  harness = await startGatewayHarness(postgres.url);
  await createCatalogEntry(prisma, { modelSlug: "steady", upstreamModel: "steady" });
}, 60_000);
afterAll(async () => {
  await harness.close();
  await prisma.$disconnect();
  await postgres.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const ask = (secret: string, stream: boolean) =>
  postCompletion(harness.baseUrl, secret, {
    model: "steady",
    stream,
    max_completion_tokens: 100,
    messages: [{ role: "user", content: "Hi" }],
  });

test("503 while PostgreSQL is down, the stream in flight charged once it is back", async () => {
  const user = await createUser(prisma, { credits: 50 });
  const { secret } = await createApiKey(prisma, user.id);
  harness.fakes.openai.scripts.enqueue("steady", {
    chunks: Array.from({ length: 15 }, (_, i) => `s${i} `),
    chunkDelayMs: 100,
  });
  const inFlight = ask(secret, true).then(async (response) => ({
    status: response.status,
    body: await response.text(),
  }));
  await new Promise((resolve) => setTimeout(resolve, 300));
  await postgres.stop();

  const refused = await ask(secret, false);
  expect(refused.status).toBe(503);
  expect(refused.headers.get("retry-after")).toBe("1");
  expect(((await refused.json()) as { error: { code: string } }).error.code).toBe(
    "database_unavailable",
  );

  // The provider does not need the database: the stream is answered in full.
  const streamed = await inFlight;
  expect(streamed.status).toBe(200);
  expect(streamed.body).toContain('"content":"s14 "');
  expect(streamed.body.endsWith("data: [DONE]\n\n")).toBe(true);

  postgres = await startPostgres();
  // The settlement is retried until it lands; the pool serves new requests again.
  let rows = 0;
  for (let i = 0; i < 200 && rows === 0; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    rows = await prisma.conversation.count({ where: { userId: user.id } }).catch(() => 0);
  }
  expect(rows).toBe(1);
  const again = await ask(secret, false);
  expect(again.status).toBe(200);
  await new Promise((resolve) => setTimeout(resolve, 500));
  const charged = await prisma.conversation.findMany({ where: { userId: user.id } });
  expect(charged).toHaveLength(2);
  expect(charged.every((row) => row.status === "SUCCESS" && row.cost > 0n)).toBe(true);
  expect(await checkLedger(prisma)).toEqual([]);
}, 60_000);
