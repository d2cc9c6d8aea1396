// `npm run bench -- --ledger`: the ledger alone, no HTTP. 1, 2, 4 and 8 gateway
// instances (each its own process, scripts/bench/ledger-instance.ts, with the
// gateway's Ledger and batching) reserve and settle requests on 1,000 keys of
// 100 accounts, then on 10 busy keys of 10 of them, against one PostgreSQL
// pinned to one core (cpu1; the instances
// on cpu0). Billed requests per second, and PostgreSQL's CPU per request: the
// ceiling one primary sets (issue #26). Durable commits, as in production.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { seedCatalog } from "../../app/catalog/seed-catalog.server.ts";
import { migrate } from "../../app/db/migrator.server.ts";
import { createLogger } from "../../app/observability/logger.server.ts";
import { startEmbeddedPostgres } from "../../app/server/embedded-postgres.server.ts";
import { canPin, cpuMs, pin, postgresPids } from "./processes.ts";

/**
 * `inFlight`: requests each instance keeps in flight. 100 makes batches of about 100; 1,000 is
 * nearer a gateway billing thousands a second (requests last seconds), and fills batches to the
 * ledger's 500.
 */
export async function ledgerBench(options: {
  seconds: number;
  instances: number[];
  inFlight: number[];
}) {
  const dataDir = mkdtempSync(join(tmpdir(), "gateway-ledger-bench-"));
  const postgres = await startEmbeddedPostgres({ dataDir, log: createLogger("warn") });
  const pgdata = join(dataDir, "postgres");
  const pool = new pg.Pool({ connectionString: postgres.url, max: 2 });
  try {
    await migrate(postgres.url);
    await seedCatalog(pool, "sync");
    const mappingId = (
      await pool.query<{ id: number }>("SELECT min(id) AS id FROM model_provider_mappings")
    ).rows[0]!.id;
    const { rows: keys } = await pool.query<{ userId: string; apiKeyId: string }>(
      `WITH accounts AS (
         INSERT INTO users (email, balance)
         SELECT 'ledger-' || g || '@bench.test', 1000000000000000 FROM generate_series(1, 100) g
         RETURNING id),
       credited AS (
         INSERT INTO onramp_transactions (user_id, amount, idempotency_key)
         SELECT id, 1000000000000000, 'ledger-bench' FROM accounts)
       INSERT INTO api_keys (user_id, created_by, name, prefix, secret_hash)
       SELECT a.id, a.id, 'ledger', 'sk-l' || a.id || '-' || k, md5(a.id || '-' || k)
       FROM accounts a, generate_series(1, 10) k
       RETURNING user_id AS "userId", id AS "apiKeyId"`,
    );
    // Spread: every key, so a batch touches hundreds of keys and holds. Busy: one key of each
    // of 10 accounts, so a batch adds many requests to each (a hot account's shape).
    const spreads = [
      { name: "1,000 keys of 100 accounts", keys },
      {
        name: "10 busy keys of 10 accounts",
        keys: keys.filter((_, i) => i % 10 === 0).slice(0, 10),
      },
    ].map((spread, i) => {
      const file = join(dataDir, `keys-${i}.json`);
      writeFileSync(file, JSON.stringify(spread.keys));
      return { name: spread.name, file };
    });
    const pids = () => postgresPids(pgdata);
    for (const pid of pids()) pin(pid, 1);

    const rows: string[] = [];
    for (const spread of spreads)
      for (const inFlight of options.inFlight)
        for (const instances of options.instances) {
          const before = databaseCpuMs(pgdata);
          const results = await Promise.all(
            Array.from({ length: instances }, () =>
              runInstance(postgres.url, options.seconds, inFlight, spread.file, mappingId),
            ),
          );
          const databaseMs = databaseCpuMs(pgdata) - before;
          const billed = results.reduce((sum, result) => sum + result.billed, 0);
          // Each instance's rate over its own run (its start-up, the same for all, left out).
          const rate = results.reduce((sum, result) => sum + result.billed / result.seconds, 0);
          const refused = results.reduce((sum, result) => sum + result.refused, 0);
          rows.push(
            `| ${spread.name} | ${instances} | ${inFlight} | ${instances * inFlight} | ${rate.toFixed(0)} | ${(databaseMs / billed).toFixed(3)} | ${refused} |`,
          );
          console.log(rows.at(-1));
        }
    const totals = await pool.query<{ balance: string; charges: string }>(
      `SELECT sum(u.balance)::text AS balance,
              (SELECT sum(cost) FROM usage_days)::text AS charges FROM users u
       WHERE u.email LIKE 'ledger-%'`,
    );
    return [
      `Ledger alone (\`npm run bench -- --ledger\`), ${options.seconds} s a row, PostgreSQL ${canPin ? "pinned to cpu1, the instances on cpu0" : "not pinned (no taskset)"}; durable commits. Afterwards: balances ${totals.rows[0]!.balance} µcr, charged ${totals.rows[0]!.charges} µcr in all.`,
      "",
      "| keys | instances | in flight each | in flight | billed requests/s | PostgreSQL CPU ms per request | refused |",
      "| --- | --- | --- | --- | --- | --- | --- |",
      ...rows,
    ].join("\n");
  } finally {
    await pool.end();
    await postgres.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * PostgreSQL's CPU so far: its live processes', and what the backends that ended used (the
 * postmaster reaped them, so /proc counts them in its children's time).
 */
function databaseCpuMs(pgdata: string) {
  const [postmaster, ...rest] = postgresPids(pgdata);
  const fields = readFileSync(`/proc/${postmaster}/stat`, "utf8").split(") ")[1]!.split(" ");
  const reaped = ((Number(fields[13]) + Number(fields[14])) * 1000) / 100;
  return reaped + [postmaster!, ...rest].reduce((sum, pid) => sum + cpuMs(pid), 0);
}

/** One instance's run: how many requests it billed and refused, in how many seconds. */
function runInstance(
  url: string,
  seconds: number,
  inFlight: number,
  keysFile: string,
  mappingId: number,
) {
  return new Promise<{ billed: number; refused: number; seconds: number }>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        join(import.meta.dirname, "ledger-instance.ts"),
        url,
        String(seconds),
        String(inFlight),
        keysFile,
        String(mappingId),
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    pin(child.pid!, 0);
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code !== 0) return reject(new Error(`ledger instance exited with ${code}`));
      resolve(
        JSON.parse(output.trim().split("\n").at(-1)!) as Awaited<ReturnType<typeof runInstance>>,
      );
    });
  });
}
