import { mkdtempSync, writeFileSync, mkdirSync } from "node:fs";
import { createConnection, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { setupTestDatabase } from "#tests/support/database.ts";
import { readMigrations } from "../db/migrator.server.ts";
import { createPrismaClient, type Prisma } from "../db/prisma.server.ts";
import { createHttpServer, type HttpServerOptions } from "./http-server.server.ts";
import { createLogger } from "../observability/logger.server.ts";
import { gatewayMetrics } from "../observability/metrics.server.ts";

const migrated = setupTestDatabase();
const empty = setupTestDatabase({ migrated: false });
const servers: { close(): void }[] = [];
const clients: Prisma[] = [];
afterAll(async () => {
  servers.forEach((server) => server.close());
  await Promise.all(clients.map((client) => client.$disconnect()));
});

const client = (url: string) => {
  const prisma = createPrismaClient(url);
  clients.push(prisma);
  return prisma;
};

async function start(options: Partial<HttpServerOptions> & { prisma: Prisma }) {
  const server = createHttpServer({
    expectedMigrations: (await readMigrations()).map((m) => m.name),
    log: createLogger("silent"),
    ...options,
  });
  servers.push(server);
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe("health routes", () => {
  test("/healthz and /readyz answer 200 on a migrated database", async () => {
    const base = await start({ prisma: client(migrated.url) });
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok" });
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(ready.headers.get("cache-control")).toBe("no-store");
    expect(await ready.json()).toEqual({ status: "ready" });
  });

  test("/readyz is 503 on a database that was never migrated", async () => {
    const base = await start({ prisma: client(empty.url) });
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: "not ready", reason: "database is not migrated" });
  });

  test("/readyz is 503 naming the migration this build expects but the database lacks", async () => {
    const base = await start({
      prisma: client(migrated.url),
      expectedMigrations: ["20990101000000_from_the_future"],
    });
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(503);
    expect((await ready.json()).reason).toBe("pending migrations: 20990101000000_from_the_future");
  });

  test("/readyz is 503 and /healthz still 200 when the database is unreachable", async () => {
    const base = await start({ prisma: client("postgresql://x:y@127.0.0.1:1/none") });
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(503);
    expect((await ready.json()).reason).toBe("database is unreachable");
  });
});

describe("routing", () => {
  const publicDir = mkdtempSync(join(tmpdir(), "public-"));
  mkdirSync(join(publicDir, "assets"));
  writeFileSync(join(publicDir, "assets", "app-abc123.js"), "console.log(1)");
  writeFileSync(join(publicDir, "robots.txt"), "User-agent: *");
  writeFileSync(join(tmpdir(), "secret-outside.txt"), "no");

  test("serves built files, hashed assets as immutable", async () => {
    const base = await start({ prisma: client(migrated.url), publicDir });
    const asset = await fetch(`${base}/assets/app-abc123.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(asset.headers.get("cache-control")).toContain("immutable");
    expect(await asset.text()).toBe("console.log(1)");
    const robots = await fetch(`${base}/robots.txt`);
    expect(robots.headers.get("cache-control")).toBe("public, max-age=3600");
  });

  test("hands everything else to the app, and never serves files outside the build", async () => {
    const seen: string[] = [];
    const base = await start({
      prisma: client(migrated.url),
      publicDir,
      app: (request, response) => {
        seen.push(request.url ?? "");
        response.writeHead(204).end();
      },
    });
    expect((await fetch(`${base}/dashboard`)).status).toBe(204);
    expect((await fetch(`${base}/assets/missing.js`)).status).toBe(204);
    expect((await fetch(`${base}/assets/..%2f..%2fsecret-outside.txt`)).status).toBe(204);
    expect(seen).toEqual([
      "/dashboard",
      "/assets/missing.js",
      "/assets/..%2f..%2fsecret-outside.txt",
    ]);
  });

  test("answers 404 in JSON when no app is mounted", async () => {
    const base = await start({ prisma: client(migrated.url) });
    const response = await fetch(`${base}/anything`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { message: "Not found", type: "not_found" } });
  });
});

describe("slow clients", () => {
  const connect = (base: string) => {
    const { port } = new URL(base);
    const socket = createConnection(Number(port), "127.0.0.1");
    socket.on("error", () => {}); // a reset after the server gave up is what we test for
    const closed = new Promise<{ at: number; answer: string }>((resolve) => {
      let answer = "";
      socket.on("data", (data) => (answer += data.toString()));
      socket.on("close", () => resolve({ at: performance.now(), answer }));
    });
    return { socket, closed, started: performance.now() };
  };

  test("half-sent headers: the connection is closed after the headers timeout", async () => {
    const base = await start({
      prisma: client(migrated.url),
      clientTimeouts: { headersMs: 400, requestMs: 5_000 },
    });
    const { socket, closed, started } = connect(base);
    socket.write("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ");
    const { at, answer } = await closed;
    expect(at - started).toBeLessThan(3_000);
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
  });

  test("a trickled body: the request is cut after the request timeout", async () => {
    const base = await start({
      prisma: client(migrated.url),
      clientTimeouts: { headersMs: 400, requestMs: 800 },
      app: (request, response) => {
        request.resume();
        request.on("end", () => response.end("read it all"));
      },
    });
    const { socket, closed, started } = connect(base);
    socket.write("POST /anything HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n");
    const trickle = setInterval(() => socket.write("a"), 100);
    const { at, answer } = await closed;
    clearInterval(trickle);
    expect(at - started).toBeLessThan(4_000);
    expect(answer).not.toContain("read it all");
  });
});

test.each(["[::1", "x:99999999", "a b", ""])(
  "a malformed Host header (%j) is a 400, not an error inside the app",
  async (host) => {
    const base = await start({
      prisma: client(migrated.url),
      app: (_request, response) => response.end("app reached"),
    });
    const { port } = new URL(base);
    const answer = await new Promise<string>((resolve) => {
      const socket = createConnection(Number(port), "127.0.0.1");
      let text = "";
      socket.on("data", (data) => (text += data.toString()));
      socket.on("close", () => resolve(text));
      socket.on("error", () => resolve(text));
      socket.write(`GET / HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
    expect(answer).toContain('"code":"bad_host"');
  },
);

describe("/metrics", () => {
  test("does not exist without METRICS_TOKEN, and asks for the token when set", async () => {
    const closed = await start({ prisma: client(migrated.url) });
    expect((await fetch(`${closed}/metrics`)).status).toBe(404);
    gatewayMetrics().collectProcessMetrics(); // as main.ts does when METRICS_TOKEN is set
    const base = await start({ prisma: client(migrated.url), metricsToken: "m".repeat(20) });
    const anonymous = await fetch(`${base}/metrics`);
    expect(anonymous.status).toBe(401);
    const wrong = await fetch(`${base}/metrics`, { headers: { authorization: "Bearer nope" } });
    expect(wrong.status).toBe(401);
    const scraped = await fetch(`${base}/metrics`, {
      headers: { authorization: `Bearer ${"m".repeat(20)}` },
    });
    expect(scraped.status).toBe(200);
    expect(scraped.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(await scraped.text()).toMatch(/^process_resident_memory_bytes \d+/m);
  });
});
