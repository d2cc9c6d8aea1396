// What a test file of the gateway registers once, at its top: its database, a
// Prisma client on it, and a gateway (the in-process harness, or real gateway
// processes in front of a fake OpenAI), each started before the file's tests and
// closed after them. The file's own beforeAll runs after these start; its own
// afterAll runs before they close (vitest's hooks run as a stack).
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach } from "vitest";
import type { FakeProvider } from "#scripts/fake-providers/fake-server.ts";
import { startFakeOpenAI } from "#scripts/fake-providers/openai.ts";
import type { Prisma } from "../../app/db/prisma.server.ts";
import { startGatewayHarness, type GatewayHarness } from "./gateway-harness.ts";
import { startGateway, stopCleanly, type GatewayProcess } from "./gateway-process.ts";
import { setupTestPrisma, type TestPrismaOptions } from "./test-prisma.ts";

/** The gateway's handlers in this process (tests/support/gateway-harness.ts), on the file's database. */
export function setupGatewayHarness(
  options: Parameters<typeof startGatewayHarness>[1] &
    TestPrismaOptions & {
      /** Forget every fake's scripts and requests before each test. */
      resetFakes?: boolean;
    } = {},
) {
  const { checkLedger, resetFakes, ...harnessOptions } = options;
  const { db, prisma } = setupTestPrisma({ checkLedger });
  const harness = {} as GatewayHarness;
  beforeAll(async () => {
    Object.assign(harness, await startGatewayHarness(db.url, harnessOptions));
  });
  afterAll(() => harness.close?.());
  if (resetFakes)
    beforeEach(() => Object.values(harness.fakes).forEach((fake) => fake.scripts.reset()));
  return { db, prisma, harness };
}

/**
 * Gateway processes (the production build, as `npm start` runs it) on the file's
 * database, in front of one fake OpenAI. `prepare` runs before they start (a
 * catalog entry a process must see at its start); each gets a DATA_DIR of its own.
 */
export function setupGatewayProcesses(
  options: TestPrismaOptions & {
    /** How many instances share the database (default 1). */
    instances?: number;
    /** Their environment besides DATABASE_URL and DATA_DIR. */
    env: (fake: FakeProvider) => Record<string, string>;
    prepare?: (prisma: Prisma, fake: FakeProvider) => Promise<unknown>;
    /** Fail unless each process exits with 0 when stopped. */
    stopCleanly?: boolean;
    /** Forget the fake's scripts and requests before each test. */
    resetFake?: boolean;
  },
) {
  const { db, prisma } = setupTestPrisma({ checkLedger: options.checkLedger });
  const fake = {} as FakeProvider;
  const gateways: GatewayProcess[] = [];
  /** The first of them, for a file that starts one. */
  const gateway = {} as GatewayProcess;
  beforeAll(async () => {
    Object.assign(fake, await startFakeOpenAI());
    await options.prepare?.(prisma, fake);
    const env = { DATABASE_URL: db.url, ...options.env(fake) };
    gateways.push(
      ...(await Promise.all(
        Array.from({ length: options.instances ?? 1 }, () =>
          startGateway({ ...env, DATA_DIR: mkdtempSync(join(tmpdir(), "gw-test-")) }),
        ),
      )),
    );
    Object.assign(gateway, gateways[0]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all(
      gateways.map((gateway) => (options.stopCleanly ? stopCleanly(gateway) : gateway.stop())),
    );
    await fake.close?.();
  });
  if (options.resetFake) beforeEach(() => fake.scripts.reset());
  return { db, prisma, fake, gateways, gateway };
}
