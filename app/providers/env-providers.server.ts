import type { Env } from "../config/env.server.ts";
import type { Prisma } from "../db/prisma.server.ts";
import { SecretBoxError, type SecretBox } from "../security/secret-box.server.ts";
import { BUILT_IN_PROVIDERS } from "./provider-kinds.ts";

/** How much of an upstream key the dashboard shows. */
export const keyPrefix = (apiKey: string) =>
  apiKey.slice(0, Math.min(8, Math.floor(apiKey.length / 3)));

/**
 * At start, before serving: each built-in provider whose key variable is set
 * gets its row (base URL from its variable) and that key as a key row of its
 * own, sealed; a variable no longer set removes the key it had seeded. Keys
 * added in the dashboard are left alone. So the two-command start and
 * deployments configured by environment work as before.
 */
export async function seedProvidersFromEnv(prisma: Prisma, env: Env, box: SecretBox) {
  for (const entry of BUILT_IN_PROVIDERS) {
    const apiKey = env[entry.keyVariable];
    const baseUrl = env[entry.baseUrlVariable] ?? null;
    if (!apiKey) {
      await prisma.providerKey.deleteMany({
        where: { envName: entry.keyVariable, provider: { slug: entry.slug } },
      });
      continue;
    }
    const provider = await prisma.provider.upsert({
      where: { slug: entry.slug },
      create: { slug: entry.slug, name: entry.name, kind: entry.kind, baseUrl },
      update: { kind: entry.kind, baseUrl },
    });
    const existing = await prisma.providerKey.findUnique({
      where: { providerId_envName: { providerId: provider.id, envName: entry.keyVariable } },
      select: { secret: true },
    });
    // Sealing twice gives two ciphertexts: rewrite only a key that changed (or was sealed with an older key).
    if (existing && box.sealedWithCurrent(existing.secret) && box.open(existing.secret) === apiKey)
      continue;
    // One statement: instances starting together must not trip over each other's insert.
    await prisma.$executeRaw`
      INSERT INTO provider_keys (provider_id, env_name, secret, prefix)
      VALUES (${provider.id}, ${entry.keyVariable}, ${box.seal(apiKey)}, ${keyPrefix(apiKey)})
      ON CONFLICT (provider_id, env_name)
      DO UPDATE SET secret = EXCLUDED.secret, prefix = EXCLUDED.prefix`;
  }
}

/**
 * Every stored upstream key opens with the configured keys, or a message that
 * says why not: a wrong ENCRYPTION_KEY must stop the start, not send garbage
 * keys upstream. Returns the keys sealed with a previous key (for rotation).
 */
/** Stored provider keys that none of the configured encryption keys opens. */
export class UnreadableProviderKeysError extends SecretBoxError {
  /** Which keys, for a message: "2 stored provider key(s) (openai, groq)". */
  readonly which: string;
  constructor(which: string) {
    super(
      `${which} cannot be decrypted with ENCRYPTION_KEY: it is not the key they were encrypted with. ` +
        "Set ENCRYPTION_KEY back, or put the old key in ENCRYPTION_KEY_PREVIOUS while rotating (see the README).",
    );
    this.which = which;
  }
}

export async function checkProviderKeys(prisma: Prisma, box: SecretBox) {
  const select = { id: true, secret: true, provider: { select: { slug: true } } } as const;
  const [gatewayKeys, userKeys] = await Promise.all([
    prisma.providerKey.findMany({ select }),
    prisma.userProviderKey.findMany({ select }),
  ]);
  // The gateway's keys and users' own keys (BYOK) are sealed alike.
  const keys = [
    ...gatewayKeys.map((key) => ({ ...key, owner: "gateway" as const })),
    ...userKeys.map((key) => ({ ...key, owner: "user" as const })),
  ];
  const unreadable = keys.filter((key) => {
    try {
      box.open(key.secret);
      return false;
    } catch (error) {
      if (error instanceof SecretBoxError) return true;
      throw error;
    }
  });
  if (unreadable.length > 0) {
    const providers = [...new Set(unreadable.map((key) => key.provider.slug))].join(", ");
    throw new UnreadableProviderKeysError(
      `${unreadable.length} stored provider key(s) (${providers})`,
    );
  }
  return { total: keys.length, stale: keys.filter((key) => !box.sealedWithCurrent(key.secret)) };
}

/** Re-seals the keys sealed with a previous encryption key with the current one; returns how many. */
export async function resealProviderKeys(prisma: Prisma, box: SecretBox) {
  const { stale } = await checkProviderKeys(prisma, box);
  for (const key of stale) {
    const data = { secret: box.seal(box.open(key.secret)) };
    if (key.owner === "gateway") await prisma.providerKey.update({ where: { id: key.id }, data });
    else await prisma.userProviderKey.update({ where: { id: key.id }, data });
  }
  return stale.length;
}
