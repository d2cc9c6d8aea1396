// `npm run bench [-- --seconds=8] [-- --soak[=minutes]]`: the gateway (production
// build, its own process, on an embedded PostgreSQL) beside a zero-latency
// OpenAI-compatible upstream called directly, a minimal Node proxy and the same
// proxy sending through the openai SDK, under the
// same load; then the variants (a hot account, a thousand keys of a hundred
// accounts, a usage log of `--seed-rows` rows, a million by default), the
// dashboard's pages on that log (scripts/bench/dashboard-load.ts) and, with
// --soak, a long run that watches memory. Prints the tables and writes them to docs/benchmarks.md.
// These machines are shared and noisy: compare ratios within one run.
// `--ledger`: the ledger alone against one PostgreSQL core (ledger-bench.ts).
// `--smoke` (CI): one second a load, a small usage log, nothing written; it
// fails only when a request failed, so the bench cannot rot unseen. No timing
// is asserted anywhere.
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { seedCatalog } from "../../app/catalog/seed-catalog.server.ts";
import { migrate } from "../../app/db/migrator.server.ts";
import { startEmbeddedPostgres } from "../../app/server/embedded-postgres.server.ts";
import { createLogger } from "../../app/observability/logger.server.ts";
import { generateApiKey } from "../../app/accounts/api-keys/api-key-secret.server.ts";
import { firstToken, load, WRK, type LoadResult, type Target } from "./load.ts";
import { canPin, cpuMs, freePort, pin, postgresPids, rssMb, startNode } from "./processes.ts";
import { measureDashboard } from "./dashboard-load.ts";
import { ledgerBench } from "./ledger-bench.ts";
import { seedUsage } from "./seed-usage.ts";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: process.env.BENCH_SECONDS ?? "8" },
    soak: { type: "string" },
    "seed-rows": { type: "string", default: "1000000" },
    smoke: { type: "boolean", default: false },
    ledger: { type: "boolean", default: false },
  },
});
const SMOKE = values.smoke;
const SECONDS = SMOKE ? 1 : Number(values.seconds);
const USAGE_ROWS = SMOKE ? 20_000 : Number(values["seed-rows"]);
let failedRequests = 0;
const SOAK_MINUTES = values.soak === undefined ? 0 : Number(values.soak || 10);
const ROOT = join(import.meta.dirname, "..", "..");

// `--ledger`: the ledger alone, 1 to 8 instances against one PostgreSQL core (ledger-bench.ts).
if (values.ledger) {
  const report = await ledgerBench({
    seconds: SECONDS,
    instances: SMOKE ? [1, 2] : [1, 2, 4, 8],
    inFlight: SMOKE ? [100] : [100, 1000],
  });
  console.log(`\n${report}`);
  if (!SMOKE) writeSection("ledger", report);
  process.exit(0);
}

const dataDir = mkdtempSync(join(tmpdir(), "gateway-bench-"));
const children: ChildProcess[] = [];
const postgres = await startEmbeddedPostgres({ dataDir, log: createLogger("warn") });
const pgdata = join(dataDir, "postgres");
const pool = new pg.Pool({ connectionString: postgres.url, max: 2 });
try {
  for (const pid of postgresPids(pgdata)) pin(pid, 1);
  await migrate(postgres.url);
  await seedCatalog(pool, "sync");
  const model = (
    await pool.query<{ slug: string }>(
      `SELECT m.slug FROM models m JOIN model_provider_mappings mpm ON mpm.model_id = m.id
       JOIN providers p ON p.id = mpm.provider_id WHERE p.slug = 'openai' ORDER BY m.slug LIMIT 1`,
    )
  ).rows[0]!.slug;
  const hot = await createAccounts(pool, 1, 1);
  const many = await createAccounts(pool, 100, 10);

  const upstreamPort = await freePort();
  children.push(
    await startNode(["scripts/bench/upstream.ts", String(upstreamPort)], {}, "listening", 0),
  );
  const upstream = `http://127.0.0.1:${upstreamPort}/v1`;
  const proxyPort = await freePort();
  const proxyKey = "bench-proxy-key";
  const proxy = await startNode(
    ["scripts/bench/minimal-proxy.ts", String(proxyPort), upstream, proxyKey],
    {},
    "listening",
    1,
  );
  children.push(proxy);
  const sdkProxyPort = await freePort();
  const sdkProxy = await startNode(
    ["scripts/bench/sdk-proxy.ts", String(sdkProxyPort), upstream, proxyKey],
    {},
    "listening",
    1,
  );
  children.push(sdkProxy);
  const gatewayPort = await freePort();
  const gateway = await startNode(
    ["app/server/main.ts"],
    {
      DATABASE_URL: postgres.url,
      MIGRATE_ON_START: "false",
      PORT: String(gatewayPort),
      DATA_DIR: dataDir,
      OPENAI_API_KEY: "fake",
      OPENAI_BASE_URL: upstream,
      LOG_LEVEL: "warn",
      NODE_ENV: "production",
      SESSION_SECRET: "b".repeat(32),
      // e.g. BENCH_GATEWAY_NODE_OPTIONS=--cpu-prof to profile the gateway
      NODE_OPTIONS: process.env.BENCH_GATEWAY_NODE_OPTIONS ?? "",
    },
    new URL(`http://127.0.0.1:${gatewayPort}/readyz`),
    1,
  );
  children.push(gateway);
  pin(process.pid, 0);
  await sleep(2000);
  const idleRss = rssMb(gateway.pid!);

  const targets: Target[] = [
    { name: "direct", url: upstream, model, keys: ["fake"] },
    { name: "minimal proxy", url: `http://127.0.0.1:${proxyPort}/v1`, model, keys: [proxyKey] },
    { name: "proxy + SDK", url: `http://127.0.0.1:${sdkProxyPort}/v1`, model, keys: [proxyKey] },
    { name: "gateway", url: `http://127.0.0.1:${gatewayPort}/v1`, model, keys: hot },
  ];
  const measure = async (target: Target, stream: boolean, connections: number) => {
    const gatewayPid = { gateway, "minimal proxy": proxy, "proxy + SDK": sdkProxy }[target.name]
      ?.pid;
    const databaseBefore = new Map(
      (target.name === "gateway" ? postgresPids(pgdata) : []).map((pid) => [pid, cpuMs(pid)]),
    );
    const processBefore = gatewayPid ? cpuMs(gatewayPid) : 0;
    const result = await load(target, stream, connections, SECONDS);
    failedRequests += result.failures;
    // Backends the pool opened during the run count whole; none closes (the pool keeps them).
    const databaseMs =
      target.name === "gateway"
        ? sum(postgresPids(pgdata).map((pid) => cpuMs(pid) - (databaseBefore.get(pid) ?? 0)))
        : undefined;
    const cpu = {
      process: gatewayPid ? (cpuMs(gatewayPid) - processBefore) / result.requests : undefined,
      database: databaseMs === undefined ? undefined : databaseMs / result.requests,
    };
    return { ...result, cpu, rss: gatewayPid ? rssMb(gatewayPid) : undefined };
  };

  for (const target of targets) await load(target, true, 10, 2); // warm up
  const rows: string[] = [];
  const main = new Map<string, Awaited<ReturnType<typeof measure>>>();
  for (const stream of [true, false]) {
    for (const connections of [1, 50]) {
      for (const target of targets) {
        const result = await measure(target, stream, connections);
        main.set(`${target.name} ${stream} ${connections}`, result);
        rows.push(row(stream ? "stream" : "json", connections, target.name, result));
        console.log(rows.at(-1));
      }
    }
  }
  const ttft = Object.fromEntries(
    await sequential(
      targets.map((target) => async () => [target.name, await firstToken(target)] as const),
    ),
  );

  // Variants, streamed at 50 connections, each beside the hot-account row measured now.
  const gatewayTarget = targets.find((target) => target.name === "gateway")!;
  const variants: string[] = [];
  const baseline = await measure(gatewayTarget, true, 50);
  variants.push(variant("one account, one key (a hot balance row)", baseline, baseline));
  const manyKeys = { ...gatewayTarget, keys: many };
  await load(manyKeys, true, 50, 3); // their first requests look the keys up and make holds
  const spread = await measure(manyKeys, true, 50);
  variants.push(variant("1,000 keys of 100 accounts", spread, baseline));
  const logged = Number((await pool.query("SELECT count(*) FROM conversations")).rows[0].count);
  const started = performance.now();
  const seeded = await seedUsage(pool, USAGE_ROWS);
  const seedSeconds = (performance.now() - started) / 1000;
  console.log(`seeded ${USAGE_ROWS} usage rows in ${seedSeconds.toFixed(0)} s`);
  const large = await measure(gatewayTarget, true, 50);
  variants.push(
    variant(
      `usage log of ${(USAGE_ROWS + logged).toLocaleString("en")} rows (was ${logged.toLocaleString("en")})`,
      large,
      baseline,
    ),
  );
  for (const line of variants) console.log(line);
  const dashboard = await measureDashboard(`http://127.0.0.1:${gatewayPort}`, seeded);

  await sleep(10_000);
  const afterRss = rssMb(gateway.pid!);
  const soak =
    SOAK_MINUTES > 0 ? await soakRun(gatewayTarget, gateway.pid!, SOAK_MINUTES) : undefined;

  const ratio = (a: LoadResult | undefined, b: LoadResult | undefined) =>
    a && b ? (a.rps / b.rps).toFixed(2) : "-";
  const report = [
    `Measured ${new Date().toISOString().slice(0, 10)} on ${cpus().length} × ${cpus()[0]?.model ?? "CPU"}, Node ${process.version}, ${WRK ? "wrk" : "autocannon"}, ${SECONDS} s per row${canPin ? "; load generator and upstream on cpu0, gateway with its database and the two proxies on cpu1" : ""}.`,
    "",
    "| body | connections | target | req/s | p50 / p99 ms | failures | CPU ms per request (process + database) | RSS MB |",
    "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ...rows,
    "",
    `Gateway req/s as a share of the minimal proxy's: stream ${ratio(main.get("gateway true 50"), main.get("minimal proxy true 50"))} at 50 connections, JSON ${ratio(main.get("gateway false 50"), main.get("minimal proxy false 50"))}; of the proxy + SDK's: stream ${ratio(main.get("gateway true 50"), main.get("proxy + SDK true 50"))}, JSON ${ratio(main.get("gateway false 50"), main.get("proxy + SDK false 50"))}.`,
    "",
    `First token at 1 connection (300 sequential streams, p50 / p99): direct ${fmt(ttft.direct!)}, minimal proxy ${fmt(ttft["minimal proxy"]!)}, proxy + SDK ${fmt(ttft["proxy + SDK"]!)}, gateway ${fmt(ttft.gateway!)}; gateway overhead ${(ttft.gateway!.p50 - ttft.direct!.p50).toFixed(2)} / ${(ttft.gateway!.p99 - ttft.direct!.p99).toFixed(2)} ms.`,
    "",
    "Variants (gateway, streamed, 50 connections; each beside the hot-account row measured in the same run):",
    "",
    "| variant | req/s | p50 / p99 ms | failures | CPU ms per request (process + database) | req/s vs hot account |",
    "| --- | --- | --- | --- | --- | --- |",
    ...variants,
    "",
    `Gateway memory: RSS ${idleRss.toFixed(0)} MB idle after start, ${afterRss.toFixed(0)} MB ten seconds after the load.`,
    "",
    `Dashboard and JSON API with that usage log (${USAGE_ROWS.toLocaleString("en")} seeded rows over 90 days in ${seedSeconds.toFixed(0)} s: half one account's, a tenth a team's of 20 members, the rest 1,000 accounts'), signed in as the heavy account or the team's owner; 30 requests each, one at a time, ms:`,
    "",
    "| page | path | p50 | p95 |",
    "| --- | --- | --- | --- |",
    ...dashboard,
  ].join("\n");
  console.log(`\n${report}`);
  if (SMOKE && failedRequests > 0)
    throw new Error(`bench smoke: ${failedRequests} requests failed`);
  if (!SMOKE) writeSection("bench", report);
  if (soak) {
    console.log(`\n${soak}`);
    writeSection("soak", soak);
  }
} finally {
  for (const child of children) child.kill("SIGTERM");
  await sleep(1000);
  await pool.end();
  await postgres.stop();
  // BENCH_KEEP_DATA=1 keeps the database (e.g. a seeded usage log) to query after the run.
  if (process.env.BENCH_KEEP_DATA === "1") console.log(`kept the bench's data in ${dataDir}`);
  else rmSync(dataDir, { recursive: true, force: true });
}

/** Users with `keysEach` keys each and a balance no bench can spend; returns the key secrets. */
async function createAccounts(db: pg.Pool, users: number, keysEach: number) {
  const secrets: string[] = [];
  for (let u = 0; u < users; u++) {
    const { rows } = await db.query<{ id: string }>(
      `INSERT INTO users (email, password_hash, balance) VALUES ($1, '-', 1000000000000000) RETURNING id`,
      [`bench-${users}-${u}@example.test`],
    );
    await db.query(
      `INSERT INTO onramp_transactions (user_id, amount, idempotency_key) VALUES ($1, 1000000000000000, 'bench')`,
      [rows[0]!.id],
    );
    for (let k = 0; k < keysEach; k++) {
      const key = generateApiKey();
      await db.query(
        "INSERT INTO api_keys (user_id, created_by, name, prefix, secret_hash) VALUES ($1, $1, 'bench', $2, $3)",
        [rows[0]!.id, key.prefix, key.hash],
      );
      secrets.push(key.secret);
    }
  }
  return secrets;
}

/** 50 streaming connections for `minutes`, RSS every 10 s; flat means within 10 % after the first minute. */
async function soakRun(target: Target, pid: number, minutes: number) {
  const samples: { at: number; rss: number }[] = [];
  const started = performance.now();
  const sampler = setInterval(
    () => samples.push({ at: (performance.now() - started) / 1000, rss: rssMb(pid) }),
    10_000,
  );
  const result = await load(target, true, 50, minutes * 60);
  clearInterval(sampler);
  const settled = samples.filter((sample) => sample.at >= 60).map((sample) => sample.rss);
  const spread = settled.length
    ? (Math.max(...settled) - Math.min(...settled)) / Math.min(...settled)
    : 0;
  return [
    `Soak: ${minutes} min, streamed, 50 connections: ${result.rps.toFixed(0)} req/s, ${result.requests} requests, ${result.failures} failures. RSS after the first minute within ${(spread * 100).toFixed(1)} % (${settled.length ? `${Math.min(...settled).toFixed(0)}–${Math.max(...settled).toFixed(0)} MB` : "-"}).`,
    "",
    "| seconds | RSS MB |",
    "| --- | --- |",
    ...samples.map((sample) => `| ${sample.at.toFixed(0)} | ${sample.rss.toFixed(0)} |`),
  ].join("\n");
}

type Measured = LoadResult & { cpu: { process?: number; database?: number }; rss?: number };

function row(body: string, connections: number, target: string, result: Measured) {
  return `| ${body} | ${connections} | ${target} | ${result.rps.toFixed(0)} | ${latency(result)} | ${result.failures} | ${cpuText(result)} | ${result.rss?.toFixed(0) ?? "-"} |`;
}

function variant(name: string, result: Measured, baseline: LoadResult) {
  return `| ${name} | ${result.rps.toFixed(0)} | ${latency(result)} | ${result.failures} | ${cpuText(result)} | ${(result.rps / baseline.rps).toFixed(2)} |`;
}

function latency(result: LoadResult) {
  return `${result.p50.toFixed(1)} / ${result.p99.toFixed(1)}`;
}

function cpuText({ cpu }: Measured) {
  if (cpu.process === undefined) return "-";
  if (cpu.database === undefined) return cpu.process.toFixed(3);
  return `${(cpu.process + cpu.database).toFixed(3)} (${cpu.process.toFixed(3)} + ${cpu.database.toFixed(3)})`;
}

function fmt(t: { p50: number; p99: number }) {
  return `${t.p50.toFixed(2)} / ${t.p99.toFixed(2)} ms`;
}

function sum(numbers: number[]) {
  return numbers.reduce((a, b) => a + b, 0);
}

function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function sequential<T>(tasks: (() => Promise<T>)[]) {
  const results: T[] = [];
  for (const task of tasks) results.push(await task());
  return results;
}

function writeSection(name: string, text: string) {
  const path = join(ROOT, "docs", "benchmarks.md");
  const doc = readFileSync(path, "utf8");
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const section = `${start}\n${text}\n${end}`;
  writeFileSync(
    path,
    doc.includes(start)
      ? doc.replace(new RegExp(`${start}[\\s\\S]*${end}`), section)
      : `${doc.trimEnd()}\n\n${section}\n`,
  );
}
