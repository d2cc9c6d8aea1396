// Clients that send a request and never read the answer (issue #21, 13b): the
// gateway takes no more of the answer than the client reads, cuts a client
// that has read nothing for CLIENT_READ_TIMEOUT_SECONDS, stops the provider
// and bills what was produced, like any client that leaves. The gateway's
// memory is printed, not asserted (too noisy to compare).
import { readFileSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { expect, test } from "vitest";
import { createApiKey, createCatalogEntry, createUser } from "../support/factories.ts";
import { setupGatewayProcesses } from "../support/setup-gateway.ts";

const CUT_MESSAGE = "client read nothing of its answer for too long: connection closed";
const METRICS_TOKEN = "memory-reader-0123456789";
/** Pieces of 64 KB of words (words, so that counting their tokens is quick). */
const pieces = (count: number) =>
  Array.from({ length: count }, (_, i) => `piece ${i} `.padEnd(64 * 1024, "word "));
const { prisma, fake, gateway } = setupGatewayProcesses({
  prepare: (prisma) => createCatalogEntry(prisma, { modelSlug: "big-answer" }),
  env: (fake) => ({
    OPENAI_API_KEY: "sk-fake",
    OPENAI_BASE_URL: fake.baseUrl,
    LOG_LEVEL: "info",
    CLIENT_READ_TIMEOUT_SECONDS: "1",
    METRICS_TOKEN: METRICS_TOKEN,
  }),
  stopCleanly: true,
  checkLedger: true,
  resetFake: true,
});

/** The gateway process's resident memory and its JavaScript heap in use, in MB. */
async function memory() {
  const status = readFileSync(`/proc/${gateway.child.pid}/status`, "utf8");
  const metrics = await fetch(`${gateway.baseUrl}/metrics`, {
    headers: { authorization: `Bearer ${METRICS_TOKEN}` },
  }).then((response) => response.text());
  const heap = Number(/^nodejs_heap_size_used_bytes (\S+)/m.exec(metrics)![1]);
  const mb = (bytes: number) => Math.round(bytes / 2 ** 20);
  return `RSS ${mb(Number(/VmRSS:\s+(\d+)/.exec(status)![1]) * 1024)} MB (heap ${mb(heap)} MB)`;
}

/** A client that sends its request on a raw socket and reads nothing until `readAll`. */
function unreadRequest(secret: string, body: Record<string, unknown>) {
  const { port } = new URL(gateway.baseUrl);
  const text = JSON.stringify({ messages: [{ role: "user", content: "Hi" }], ...body });
  const socket: Socket = connect(Number(port), "127.0.0.1");
  socket.pause(); // nothing is taken from the kernel: its buffers fill, then the gateway's would
  socket.write(
    `POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n` +
      `Authorization: Bearer ${secret}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`,
  );
  return {
    /** Reads what the gateway sent, to the connection's end (or fails after `ms`). */
    readAll(ms = 10_000) {
      const chunks: Buffer[] = [];
      socket.on("data", (chunk: Buffer) => chunks.push(chunk));
      socket.resume();
      return new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("the connection did not end")), ms);
        socket.once("close", () => {
          clearTimeout(timer);
          resolve(Buffer.concat(chunks).toString("latin1"));
        });
      });
    },
  };
}

/** Waits until `check` returns something, or fails after `ms`. */
async function until<T>(what: string, ms: number, check: () => Promise<T | undefined>) {
  const deadline = performance.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (performance.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function customer() {
  const user = await createUser(prisma, { credits: 1000 });
  const { secret } = await createApiKey(prisma, user.id);
  return { user, secret };
}

/** The user's requests once all `count` have settled and the holds are released. */
const settledRows = (userId: string, count: number) =>
  until(`${count} request(s) settled`, 20_000, async () => {
    const rows = await prisma.conversation.findMany({ where: { userId } });
    const account = await prisma.user.findUniqueOrThrow({ where: { id: userId } });
    return rows.length === count && account.reserved === 0n ? rows : undefined;
  });

const cuts = () =>
  gateway
    .messages()
    .split("\n")
    .filter((line) => line === CUT_MESSAGE).length;

test("a streamed answer nobody reads: the client is cut, the provider stopped, what was produced billed", async () => {
  const { user, secret } = await customer();
  // About 20 MB, at a pace that takes the provider at least 6 s: far more than the kernel's buffers hold.
  fake.scripts.enqueue("big-answer", { chunks: pieces(300), chunkDelayMs: 20 });
  const client = unreadRequest(secret, { model: "big-answer", stream: true, max_tokens: 8000 });
  const [row] = await settledRows(user.id, 1);
  // Billed for what was produced (counted by us: more than the hold allows, so the hold).
  expect(row).toMatchObject({ status: "CANCELLED", usageSource: "CAPPED" });
  expect(row!.cost).toBeGreaterThan(0n);
  // The provider was stopped before the end of its answer.
  expect(await fake.scripts.received[0]!.closed).toMatchObject({ completed: false });
  // Reading at last, the client gets the beginning of the stream, then the connection's end.
  const received = await client.readAll();
  expect(received).toMatch(/^HTTP\/1.1 200/);
  expect(received).toContain("piece 0 ");
  expect(received).not.toContain("[DONE]");
});

test.each([true, false])(
  "ten clients that never read a 4 MB answer (stream: %s) are cut, each request settled",
  async (stream) => {
    const { user, secret } = await customer();
    fake.scripts.defaultScript = { chunks: pieces(64) };
    const cutsBefore = cuts();
    const before = await memory();
    const clients = Array.from({ length: 10 }, () =>
      unreadRequest(secret, { model: "big-answer", stream, max_tokens: 8000 }),
    );
    await until("every request reached the provider", 10_000, async () =>
      fake.scripts.received.length === 10 ? true : undefined,
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    const unread = await memory();
    const rows = await settledRows(user.id, 10);
    // A whole (JSON) answer was complete before its first byte went out: billed in full.
    for (const row of rows) expect(row.status).toBe(stream ? "CANCELLED" : "SUCCESS");
    await until("every client cut", 20_000, async () =>
      cuts() - cutsBefore === 10 ? true : undefined,
    );
    const after = await memory();
    console.log(
      `10 unread ${stream ? "streamed" : "JSON"} 4 MB answers, gateway: ${before} before, ` +
        `${unread} while unread, ${after} once they were cut`,
    );
    for (const client of clients) {
      const received = await client.readAll();
      expect(received).toMatch(/^HTTP\/1.1 200/);
      // Cut short: neither the stream's end nor the JSON's last chunk came.
      expect(received).not.toMatch(stream ? /\[DONE\]/ : /\r\n0\r\n\r\n$/);
    }
  },
);
