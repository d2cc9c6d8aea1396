// What the OpenRouter client tests (tests/clients/) share: a real gateway
// process on the seeded catalog, in front of the three fake providers, and a
// customer with credits and a key. Each client is pointed at `${baseUrl}/api/v1`
// the way its documentation points it at OpenRouter.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FakeProvider } from "#scripts/fake-providers/fake-server.ts";
import { startFakeAnthropic } from "#scripts/fake-providers/anthropic.ts";
import { startFakeGemini } from "#scripts/fake-providers/gemini.ts";
import { startFakeOpenAI } from "#scripts/fake-providers/openai.ts";
import { afterAll, beforeAll, beforeEach } from "vitest";
import type { Prisma } from "../../app/db/prisma.server.ts";
import { createApiKey, createUser } from "./factories.ts";
import { startGateway, type GatewayProcess } from "./gateway-process.ts";
import { setupTestPrisma } from "./test-prisma.ts";

export interface OpenRouterGateway {
  gateway: GatewayProcess;
  /** OpenRouter's base URL on this gateway: `…/api/v1`. */
  apiBase: string;
  fakes: { openai: FakeProvider; anthropic: FakeProvider; google: FakeProvider };
  close(): Promise<void>;
}

/** A gateway process that migrates and seeds its test database at start (the real catalog's ids). */
export async function startOpenRouterGateway(databaseUrl: string): Promise<OpenRouterGateway> {
  const [openai, anthropic, google] = await Promise.all([
    startFakeOpenAI(),
    startFakeAnthropic(),
    startFakeGemini(),
  ]);
  const gateway = await startGateway({
    DATABASE_URL: databaseUrl,
    MIGRATE_ON_START: "true",
    DATA_DIR: mkdtempSync(join(tmpdir(), "gw-openrouter-")),
    LOG_LEVEL: "warn",
    OPENAI_API_KEY: "sk-fake",
    OPENAI_BASE_URL: openai.baseUrl,
    ANTHROPIC_API_KEY: "sk-ant-fake",
    ANTHROPIC_BASE_URL: anthropic.baseUrl,
    GEMINI_API_KEY: "gemini-fake",
    GEMINI_BASE_URL: google.baseUrl,
  });
  return {
    gateway,
    apiBase: `${gateway.baseUrl}/api/v1`,
    fakes: { openai, anthropic, google },
    async close() {
      await gateway.stop();
      await Promise.all([openai.close(), anthropic.close(), google.close()]);
    },
  };
}

/**
 * The file's database and its OpenRouter gateway, started before the tests and
 * closed after them, the fakes' scripts forgotten before each test and the
 * ledger checked at the end.
 */
export function setupOpenRouterGateway() {
  const { db, prisma } = setupTestPrisma({ checkLedger: true });
  const gw = {} as OpenRouterGateway;
  beforeAll(async () => {
    Object.assign(gw, await startOpenRouterGateway(db.url));
  }, 60_000);
  afterAll(() => gw.close?.());
  beforeEach(() => {
    for (const fake of Object.values(gw.fakes)) fake.scripts.reset();
  });
  return { db, prisma, gw };
}

/** A person with `credits` and an API key. */
export async function openRouterCustomer(prisma: Prisma, credits = 100) {
  const user = await createUser(prisma, { credits });
  const { apiKey, secret } = await createApiKey(prisma, user.id);
  return { user, apiKey, secret };
}
