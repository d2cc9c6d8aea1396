// Every shape in which "the database cannot be reached" arrives, produced for
// real: a port nobody listens on, a server that cuts every connection, one
// that never answers, and a PostgreSQL stopped under running queries. Each
// must read as unavailable (503, settlement retried); a wrong query must not.
// Issue #21, finding 13c: pg's "Connection terminated unexpectedly" was a 500.
import { createServer, type Server, type Socket } from "node:net";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createUser } from "#tests/support/factories.ts";
import { freePort } from "#tests/support/gateway-process.ts";
import {
  startRestartablePostgres,
  type RestartablePostgres,
} from "#tests/support/restartable-postgres.ts";
import { isDatabaseUnavailable } from "./database-unavailable.server.ts";
import { createPrismaClient, type Prisma } from "./prisma.server.ts";

const servers: Server[] = [];
const clients: Prisma[] = [];

/** A TCP server on a free port that does `onConnection` with every connection. */
async function fakeServer(onConnection: (socket: Socket) => void) {
  const server = createServer(onConnection);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `postgresql://gateway:secret@127.0.0.1:${(server.address() as { port: number }).port}/gateway`;
}

const prismaAt = (url: string) => {
  const prisma = createPrismaClient(url);
  clients.push(prisma);
  return prisma;
};

/** The error `run` fails with (the test fails if it succeeds). */
async function failureOf(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error("expected a failure");
}

afterAll(async () => {
  await Promise.all(clients.map((client) => client.$disconnect().catch(() => {})));
  for (const server of servers) server.close();
});

describe("nothing reachable", () => {
  test("a port nobody listens on: through Prisma and through pg", async () => {
    const url = `postgresql://gateway:secret@127.0.0.1:${await freePort()}/gateway`;
    const prisma = prismaAt(url);
    expect(isDatabaseUnavailable(await failureOf(() => prisma.user.findFirst()))).toBe(true);
    const client = new pg.Client({ connectionString: url });
    expect(isDatabaseUnavailable(await failureOf(() => client.connect()))).toBe(true);
  });

  test("a server that cuts every connection: pg's plain Error, which Prisma passes on", async () => {
    const url = await fakeServer((socket) => socket.destroy());
    const prisma = prismaAt(url);
    const errors = [
      await failureOf(() => prisma.user.findFirst()),
      await failureOf(() => prisma.$queryRaw`SELECT 1`),
      await failureOf(() => prisma.$transaction(async (tx) => tx.$queryRaw`SELECT 1`)),
      await failureOf(() => new pg.Client({ connectionString: url }).connect()),
    ];
    expect(errors.map((error) => (error as Error).message)).toContain(
      "Connection terminated unexpectedly",
    );
    expect(errors.map(isDatabaseUnavailable)).toEqual([true, true, true, true]);
  });

  test("a server that never answers, with a connection timeout", async () => {
    const url = await fakeServer(() => {});
    const pool = new pg.Pool({ connectionString: url, connectionTimeoutMillis: 200 });
    const error = await failureOf(() => pool.query("SELECT 1"));
    await pool.end();
    expect(isDatabaseUnavailable(error)).toBe(true);
  });
});

describe("PostgreSQL stopped under running queries", () => {
  let postgres: RestartablePostgres;
  let prisma: Prisma;
  beforeAll(async () => {
    postgres = await startRestartablePostgres();
    prisma = prismaAt(postgres.url);
  }, 60_000);
  afterAll(async () => {
    await postgres.destroy();
  });

  test("queries, transactions and a raw client in flight, and what follows", async () => {
    const client = new pg.Client({ connectionString: postgres.url });
    client.on("error", () => {}); // its query reports the loss
    await client.connect();
    const running = [
      failureOf(() => prisma.$queryRaw`SELECT pg_sleep(30)`),
      failureOf(() =>
        prisma.$transaction(async (tx) => tx.$queryRaw`SELECT pg_sleep(30)`, { timeout: 60_000 }),
      ),
      failureOf(() => client.query("SELECT pg_sleep(30)")),
    ];
    await new Promise((resolve) => setTimeout(resolve, 300));
    await postgres.stop();
    try {
      const errors = [
        ...(await Promise.all(running)),
        await failureOf(() => client.query("SELECT 1")),
        await failureOf(() => prisma.user.findFirst()),
        await failureOf(() => prisma.$transaction(async (tx) => tx.$queryRaw`SELECT 1`)),
      ];
      expect(errors.map(isDatabaseUnavailable)).toEqual(errors.map(() => true));
    } finally {
      await client.end().catch(() => {});
      await postgres.start();
    }
  }, 60_000);

  test("a wrong query or a broken rule is not the database being away", async () => {
    const user = await createUser(prisma);
    const errors = [
      await failureOf(() => prisma.$queryRaw`SELECT * FROM no_such_table`),
      await failureOf(() => prisma.$executeRawUnsafe("SELEC 1")),
      await failureOf(() => prisma.user.create({ data: { email: user.email, passwordHash: "x" } })),
      new Error("Connection terminated unexpectedly, said nobody"),
      new Error("boom"),
      undefined,
    ];
    expect(errors.map(isDatabaseUnavailable)).toEqual(errors.map(() => false));
  }, 60_000);
});
