// `npm run bench`: the gateway (production build, its own process) in front of
// the fake OpenAI server (its own process), on an embedded PostgreSQL, loaded
// by autocannon from this process; everything on 127.0.0.1. Prints a table and
// writes it to docs/benchmarks.md. Compare ratios within one run: the machines
// are shared and noisy.
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import pg from "pg";
import { seedCatalog } from "../app/catalog/seed-catalog.server.ts";
import { migrate } from "../app/db/migrator.server.ts";
import { startEmbeddedPostgres } from "../app/server/embedded-postgres.server.ts";
import { createLogger } from "../app/server/logger.server.ts";
import { generateApiKey } from "../app/utils/api-key.server.ts";

const ROOT = join(import.meta.dirname, "..");
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const MODEL = "gpt-6-luna";

const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });

function startProcess(args: string[], env: Record<string, string>, readyText: string) {
  return new Promise<ChildProcess>((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(readyText)) resolve(child);
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("exit", (code) => reject(new Error(`${args.join(" ")} exited ${code}:\n${output}`)));
  });
}

/** CPU time (user + system, ms) and resident memory (MB) of a process, from /proc. */
function usageOf(pid: number) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  const ticks = Number(stat[11]) + Number(stat[12]); // utime, stime
  const rssKb = Number(
    /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0,
  );
  return { cpuMs: (ticks * 1000) / 100, rssMb: rssKb / 1024 };
}

async function load(
  url: string,
  body: string,
  connections: number,
  headers: Record<string, string>,
) {
  const result = await autocannon({
    url,
    method: "POST",
    connections,
    duration: SECONDS,
    headers: { "content-type": "application/json", ...headers },
    body,
  });
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    total: result.requests.total,
  };
}

/** Median time to the first content event of a streaming request, sequentially. */
async function firstTokenMs(
  url: string,
  body: string,
  headers: Record<string, string>,
  samples = 200,
) {
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const started = performance.now();
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body,
    });
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = "";
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value);
      if (text.includes('"content":"Hell')) {
        times.push(performance.now() - started);
        await reader.cancel();
        break;
      }
    }
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

const dataDir = mkdtempSync(join(tmpdir(), "gateway-bench-"));
const log = createLogger("warn");
const postgres = await startEmbeddedPostgres({ dataDir, log });
const children: ChildProcess[] = [];
try {
  await migrate(postgres.url);
  const pool = new pg.Pool({ connectionString: postgres.url, max: 2 });
  await seedCatalog(pool, "sync");
  const key = generateApiKey();
  const { rows } = await pool.query<{ id: string }>(
    "INSERT INTO users (email, password_hash, balance) VALUES ('bench@example.test', '-', 1000000000000000) RETURNING id",
  );
  await pool.query(
    "INSERT INTO api_keys (user_id, name, prefix, secret_hash) VALUES ($1, 'bench', $2, $3)",
    [rows[0]!.id, key.prefix, key.hash],
  );
  await pool.query(
    "INSERT INTO onramp_transactions (user_id, amount, idempotency_key) VALUES ($1, 1000000000000000, 'bench')",
    [rows[0]!.id],
  );
  await pool.end();

  const fakePort = await freePort();
  const gatewayPort = await freePort();
  children.push(
    await startProcess(
      ["scripts/fake-providers/main.ts"],
      {
        FAKE_OPENAI_PORT: String(fakePort),
        FAKE_ANTHROPIC_PORT: String(await freePort()),
        FAKE_GEMINI_PORT: String(await freePort()),
        FAKE_REPLY: "Hello from the fake provider.",
      },
      "listening",
    ),
  );
  const gateway = await startProcess(
    ["app/server/main.ts"],
    {
      DATABASE_URL: postgres.url,
      PORT: String(gatewayPort),
      DATA_DIR: dataDir,
      OPENAI_API_KEY: "fake",
      OPENAI_BASE_URL: `http://127.0.0.1:${fakePort}/v1`,
      LOG_LEVEL: "warn",
      // e.g. BENCH_GATEWAY_NODE_OPTIONS=--cpu-prof to profile the gateway
      NODE_OPTIONS: process.env.BENCH_GATEWAY_NODE_OPTIONS ?? "",
      NODE_ENV: "production",
      SESSION_SECRET: "b".repeat(32),
    },
    "Gateway ready",
  );
  children.push(gateway);

  const auth = { authorization: `Bearer ${key.secret}` };
  const gatewayUrl = `http://127.0.0.1:${gatewayPort}/v1/chat/completions`;
  const directUrl = `http://127.0.0.1:${fakePort}/v1/chat/completions`;
  const bodyFor = (model: string, stream: boolean) =>
    JSON.stringify({
      model,
      messages: [{ role: "user", content: "Say hello" }],
      max_completion_tokens: 64,
      stream,
      ...(stream ? { stream_options: { include_usage: true } } : {}),
    });

  // Warm up caches, JIT and connection pools.
  await load(gatewayUrl, bodyFor(MODEL, true), 10, auth);

  const rows_: string[] = [];
  for (const stream of [false, true]) {
    for (const connections of [1, 50]) {
      const direct = await load(directUrl, bodyFor(MODEL, stream), connections, {
        authorization: "Bearer fake",
      });
      const before = usageOf(gateway.pid!);
      const through = await load(gatewayUrl, bodyFor(MODEL, stream), connections, auth);
      const after = usageOf(gateway.pid!);
      const cpuPerRequest = (after.cpuMs - before.cpuMs) / through.total;
      rows_.push(
        `| ${stream ? "stream" : "json"} | ${connections} | ${direct.rps.toFixed(0)} | ${direct.p50} / ${direct.p99} | ${through.rps.toFixed(0)} | ${through.p50} / ${through.p99} | ${(through.rps / direct.rps).toFixed(2)} | ${cpuPerRequest.toFixed(3)} | ${after.rssMb.toFixed(0)} |`,
      );
    }
  }
  const directTtft = await firstTokenMs(directUrl, bodyFor(MODEL, true), {
    authorization: "Bearer fake",
  });
  const gatewayTtft = await firstTokenMs(gatewayUrl, bodyFor(MODEL, true), auth);

  const table = [
    `Measured ${new Date().toISOString().slice(0, 10)} on ${cpus().length} × ${cpus()[0]?.model ?? "CPU"}, Node ${process.version}, ${SECONDS} s per row.`,
    "",
    "| body | connections | direct req/s | direct p50 / p99 ms | gateway req/s | gateway p50 / p99 ms | gateway / direct | gateway CPU ms per request | gateway RSS MB |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ...rows_,
    "",
    `First token at 1 connection (median of 200 sequential streaming requests): direct ${directTtft.toFixed(2)} ms, through the gateway ${gatewayTtft.toFixed(2)} ms, overhead ${(gatewayTtft - directTtft).toFixed(2)} ms.`,
  ].join("\n");
  console.log(table);
  const docPath = join(ROOT, "docs", "benchmarks.md");
  const doc = readFileSync(docPath, "utf8");
  writeFileSync(
    docPath,
    doc.replace(
      /<!-- bench:start -->[\s\S]*<!-- bench:end -->/,
      `<!-- bench:start -->\n${table}\n<!-- bench:end -->`,
    ),
  );
} finally {
  for (const child of children) child.kill("SIGTERM");
  await new Promise((resolve) => setTimeout(resolve, 500));
  await postgres.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
