import type { Env } from "../config/env.server.ts";
import type { Prisma } from "../db/prisma.server.ts";
import {
  checkProviderKeys,
  resealProviderKeys,
  seedProvidersFromEnv,
} from "../gateway/providers/env-providers.server.ts";
import { SecretBoxError } from "../security/secret-box.server.ts";
import { secretBoxFromEnv } from "../security/secret-box-from-env.server.ts";
import { StartupError } from "./boot.server.ts";
import type { Logger } from "./logger.server.ts";

/**
 * Before serving: every stored upstream key opens with the configured
 * encryption keys (else the start stops, saying so), keys sealed with a
 * previous key are sealed again with the current one, and the providers'
 * environment variables are written to their rows.
 */
export async function prepareProviders(prisma: Prisma, env: Env, log: Logger) {
  const box = secretBoxFromEnv(env);
  if (!(await providerKeysTableExists(prisma))) {
    // Not migrated yet (MIGRATE_ON_START off): /readyz says so; a restart after migrating prepares them.
    log.warn("the database is not migrated: provider keys are not prepared");
    return;
  }
  try {
    const { stale } = await checkProviderKeys(prisma, box);
    if (stale.length > 0) {
      const resealed = await resealProviderKeys(prisma, box);
      log.info({ resealed }, "provider keys re-encrypted with the current ENCRYPTION_KEY");
    }
  } catch (error) {
    if (error instanceof SecretBoxError) throw new StartupError(error.message);
    throw error;
  }
  await seedProvidersFromEnv(prisma, env, box);
}

async function providerKeysTableExists(prisma: Prisma) {
  const [row] = await prisma.$queryRaw<{ exists: boolean }[]>`
    SELECT to_regclass('provider_keys') IS NOT NULL AS exists`;
  return row?.exists === true;
}
