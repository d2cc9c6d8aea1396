import type { Prisma } from "../../db/prisma.server.ts";
import { keyPrefix } from "../../providers/env-providers.server.ts";
import type { SecretBox } from "../../security/secret-box.server.ts";

// A user's own provider keys (bring your own key, ADR 027), one per provider,
// sealed like the gateway's; every function touches only that user's keys.

/** The enabled providers, each with the user's key on it if any (prefix only). */
export async function listOwnProviderKeys(prisma: Prisma, userId: string) {
  const providers = await prisma.provider.findMany({
    where: { enabled: true },
    orderBy: { slug: "asc" },
    select: {
      slug: true,
      name: true,
      userKeys: {
        where: { userId },
        select: { prefix: true, fallback: true, invalidAt: true, lastError: true, createdAt: true },
      },
    },
  });
  return providers.map(({ userKeys, ...provider }) => ({ ...provider, key: userKeys[0] ?? null }));
}

/** What the page and the JSON API show of a key: never the key, whether the provider refused it. */
export const shownOwnKey = (key: {
  prefix: string;
  fallback: boolean;
  invalidAt: Date | null;
  lastError: string | null;
}) => ({
  prefix: key.prefix,
  fallback: key.fallback,
  refused: key.invalidAt !== null,
  lastError: key.lastError,
});

/**
 * Stores (or replaces) the user's key for a provider; a replaced key that the
 * provider had refused is usable again. False when there is no such enabled provider.
 */
export async function saveOwnProviderKey(
  prisma: Prisma,
  box: SecretBox,
  userId: string,
  input: { provider: string; apiKey: string; fallback: boolean },
) {
  const provider = await prisma.provider.findFirst({
    where: { slug: input.provider, enabled: true },
    select: { id: true },
  });
  if (!provider) return false;
  const sealed = {
    secret: box.seal(input.apiKey),
    prefix: keyPrefix(input.apiKey),
    fallback: input.fallback,
    invalidAt: null,
    lastError: null,
  };
  await prisma.userProviderKey.upsert({
    where: { userId_providerId: { userId, providerId: provider.id } },
    create: { userId, providerId: provider.id, ...sealed },
    update: sealed,
  });
  return true;
}

/** Whether the gateway's keys may take over when the user's fails; false when there is no such key. */
export async function setOwnKeyFallback(
  prisma: Prisma,
  userId: string,
  provider: string,
  fallback: boolean,
) {
  const { count } = await prisma.userProviderKey.updateMany({
    where: { userId, provider: { slug: provider } },
    data: { fallback },
  });
  return count === 1;
}

/** Removes the user's key for a provider; false when there was none. */
export async function deleteOwnProviderKey(prisma: Prisma, userId: string, provider: string) {
  const { count } = await prisma.userProviderKey.deleteMany({
    where: { userId, provider: { slug: provider } },
  });
  return count === 1;
}
