// PostgreSQL restarted under a running gateway (its own embedded cluster here,
// so that no other test file sees it go): requests get a clean 503 while it is
// down, a stream in flight is answered and charged once it is back, the pool
// recovers, and no charge is lost or doubled.
import { createServer } from "node:net";
import { afterAll, beforeAll, expect, test } from "vitest";
import { checkLedger } from "../../app/billing/ledger-check.server.ts";
import { createPrismaClient, type Prisma } from "../../app/db/prisma.server.ts";
import { createApiKey, createCatalogEntry, createUser } from "../support/factories.ts";
import { startGatewayHarness, type GatewayHarness } from "../support/gateway-harness.ts";
import { postCompletion } from "../support/completions.ts";
import {
  startRestartablePostgres,
  type RestartablePostgres,
} from "../support/restartable-postgres.ts";

let postgres: RestartablePostgres;
let prisma: Prisma;
let harness: GatewayHarness;

beforeAll(async () => {
  postgres = await startRestartablePostgres();
  prisma = createPrismaClient(postgres.url);
  harness = await startGatewayHarness(postgres.url);
  await createCatalogEntry(prisma, { modelSlug: "steady", upstreamModel: "steady" });
}, 60_000);
afterAll(async () => {
  await harness.close();
  await prisma.$disconnect();
  await postgres.destroy();
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

  await postgres.start();
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

test("a database that cuts every connection is unavailable too: 503, not 500", async () => {
  // pg reports it as a plain Error("Connection terminated unexpectedly"), which Prisma passes on.
  const cutting = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => cutting.listen(0, "127.0.0.1", resolve));
  const { port } = cutting.address() as { port: number };
  const cut = await startGatewayHarness(`postgresql://gateway:secret@127.0.0.1:${port}/gateway`);
  try {
    const response = await postCompletion(cut.baseUrl, "sk-gw-anything", { model: "steady" });
    expect(response.status).toBe(503);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
      "database_unavailable",
    );
  } finally {
    await cut.close();
    cutting.close();
  }
});
