import type { Env } from "../config/env.server.ts";
import type { Prisma } from "../db/prisma.server.ts";
import {
  checkProviderKeys,
  resealProviderKeys,
  seedProvidersFromEnv,
  UnreadableProviderKeysError,
} from "../providers/env-providers.server.ts";
import { getGateway } from "../gateway/gateway-instance.server.ts";
import { NO_PROVIDER_WARNING } from "../providers/provider-setup.ts";
import { SecretBoxError } from "../security/secret-box.server.ts";
import { secretBoxFromEnv } from "../config/secret-box-from-env.server.ts";
import { StartupError } from "./boot.server.ts";
import type { Logger } from "../observability/logger.server.ts";

/**
 * Before serving, once the database is migrated: every stored upstream key
 * opens with the configured encryption keys (else the start stops, saying so),
 * keys sealed with a previous key are sealed again with the current one, and
 * the providers' environment variables are written to their rows.
 */
export async function prepareProviders(prisma: Prisma, env: Env, log: Logger) {
  const box = secretBoxFromEnv(env);
  try {
    const { stale } = await checkProviderKeys(prisma, box);
    if (stale.length > 0) {
      const resealed = await resealProviderKeys(prisma, box);
      log.info({ resealed }, "provider keys re-encrypted with the current ENCRYPTION_KEY");
    }
  } catch (error) {
    if (error instanceof UnreadableProviderKeysError && !env.ENCRYPTION_KEY)
      throw new StartupError(
        `${error.which} cannot be decrypted: ENCRYPTION_KEY is not set, so their key comes from ` +
          "SESSION_SECRET, which has changed since they were stored. Start once with the previous " +
          "SESSION_SECRET and ENCRYPTION_KEY set (`openssl rand -hex 32`): that start re-encrypts them " +
          "with ENCRYPTION_KEY, and SESSION_SECRET may change after it.",
      );
    if (error instanceof SecretBoxError) throw new StartupError(error.message);
    throw error;
  }
  await seedProvidersFromEnv(prisma, env, box);
}

/**
 * One warning line when no provider has a usable key (from the environment or
 * the dashboard): a first start would otherwise look fine until its first call
 * answers 503. Checked once the providers are loaded (after the warm-up).
 */
export async function warnWhenNoProvider(log: Logger) {
  const adapters = await (await getGateway()).providers.adapters();
  if (adapters.size === 0) log.warn(NO_PROVIDER_WARNING);
}
