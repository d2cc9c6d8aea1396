import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect, test } from "vitest";
import { setupTestDatabase } from "#tests/support/database.ts";
import { createCatalogEntry } from "#tests/support/factories.ts";
import { testReservation, testSettlement } from "#tests/support/settlements.ts";
import { createPrismaClient, type Prisma } from "../db/prisma.server.ts";
import { Ledger } from "./ledger.server.ts";

// The ledger's batch statement finds the accounts, keys and holds it changes by
// their keys, not by reading whole tables (ADR 063): a table scan per batch costs
// PostgreSQL more with every account, and more again as updates bloat the tables.

const db = setupTestDatabase();
let prisma: Prisma;
let mappingId: number;
let keys: { userId: string; id: string }[];
// Not credit_holds: an instance has a hold per key in use, a page or two, which PostgreSQL rightly
// reads whole (its plan changes with the table's size, as the estimate of one row per batch row lets it).
const TABLES = ["users", "api_keys"] as const;

beforeAll(async () => {
  prisma = createPrismaClient(db.url);
  mappingId = (await createCatalogEntry(prisma, { modelSlug: "plan-model" })).mapping.id;
  // Enough accounts that a scan is the worse plan, as on any real gateway.
  keys = await prisma.$queryRaw`
    WITH accounts AS (
      INSERT INTO users (email, balance)
      SELECT 'plan-' || g || '@example.test', 1000000000 FROM generate_series(1, 5000) g
      RETURNING id)
    INSERT INTO api_keys (user_id, created_by, name, prefix, secret_hash)
    SELECT a.id, a.id, 'plan', 'sk-plan-' || a.id || '-' || k, md5(a.id || '-' || k)
    FROM accounts a, generate_series(1, 2) k
    RETURNING user_id AS "userId", id`;
});
afterAll(() => prisma.$disconnect());

/** Sequential and index scans of the ledger's tables so far (as PostgreSQL's statistics have them). */
async function scans() {
  const rows = await prisma.$queryRaw<{ relname: string; seq: bigint; idx: bigint }[]>`
    SELECT relname, seq_scan AS seq, COALESCE(idx_scan, 0) AS idx
    FROM pg_stat_user_tables WHERE relname IN ('users', 'api_keys')`;
  return Object.fromEntries(rows.map((row) => [row.relname, row]));
}

test("a batch of settlements over many accounts finds each account, key and hold by its key", async () => {
  // Holds exist first, so that the batch below changes them rather than creating them.
  const start = await scans();
  const ledger = new Ledger(prisma, { idleMs: 60_000 });
  const reserved = await Promise.all(
    keys.slice(0, 60).map(async (key) => {
      const request = testReservation({ userId: key.userId, apiKeyId: key.id }, randomUUID());
      expect(await ledger.reserve(request)).toMatchObject({ ok: true });
      return request;
    }),
  );
  await prisma.$executeRaw`ANALYZE users, api_keys, credit_holds`;
  const before = await settledStatistics(start);

  await Promise.all(
    reserved.map((request) =>
      ledger.settle(
        testSettlement({
          userId: request.userId,
          apiKeyId: request.apiKeyId,
          requestId: request.requestId,
          mappingId,
          modelSlug: "plan-model",
          cost: 30n,
        }),
      ),
    ),
  );
  const after = await settledStatistics(before);
  await ledger.close();

  expect(await prisma.conversation.count({ where: { modelSlug: "plan-model" } })).toBe(60);
  const seqScans = Object.fromEntries(
    TABLES.map((table) => [table, after[table]!.seq - before[table]!.seq]),
  );
  expect(seqScans).toEqual({ users: 0n, api_keys: 0n });
  for (const table of TABLES)
    expect({ table, idx: after[table]!.idx > before[table]!.idx }).toEqual({ table, idx: true });
});

type Scans = Awaited<ReturnType<typeof scans>>;
const asText = (value: Scans) =>
  JSON.stringify(value, (_key, field: unknown) =>
    typeof field === "bigint" ? String(field) : field,
  );

/**
 * The statistics once the ledger's connections have reported the work done since `previous`:
 * a backend reports when idle, at most once a second. So: until they change, then until they
 * stay the same for 1.5 s (10 s at most).
 */
async function settledStatistics(previous: Scans) {
  let last = asText(previous);
  let stableSince: number | undefined;
  for (const started = Date.now(); Date.now() - started < 10_000;) {
    await new Promise((done) => setTimeout(done, 100));
    const now = await scans();
    if (asText(now) !== last) [last, stableSince] = [asText(now), Date.now()];
    else if (stableSince !== undefined && Date.now() - stableSince >= 1_500) return now;
  }
  throw new Error("PostgreSQL's statistics did not settle in 10 s");
}
