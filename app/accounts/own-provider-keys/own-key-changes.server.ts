import type { Prisma } from "../../db/prisma.server.ts";
import type { SecretBox } from "../../security/secret-box.server.ts";
import { audit } from "../audit-log.server.ts";
import {
  deleteOwnProviderKey,
  saveOwnProviderKey,
  setOwnKeyFallback,
} from "./own-provider-keys.server.ts";

// What the Provider keys page and /api/provider-keys both do to an account's
// own key (BYOK, ADR 027): the write and its audit event. Each caller words
// "no such provider" and "no key" its own way.

/** Who acts, in which account. */
export interface OwnKeyActor {
  prisma: Prisma;
  request: Request;
  accountId: string;
  userId: string;
}

/**
 * Stores or replaces the key for a provider (with `apiKey`), or changes only
 * whether the gateway's keys take over when it fails. "no provider" when no
 * enabled provider has that slug; "no key" for a fallback change without a key.
 */
export async function saveOwnKey(
  { prisma, request, accountId, userId }: OwnKeyActor,
  box: SecretBox,
  input: { provider: string; apiKey?: string; fallback?: boolean },
): Promise<"saved" | "no provider" | "no key"> {
  const { provider, apiKey, fallback } = input;
  if (apiKey !== undefined) {
    const saved = await saveOwnProviderKey(prisma, box, accountId, {
      provider,
      apiKey,
      fallback: fallback ?? false,
    });
    if (!saved) return "no provider";
  } else if (!(await setOwnKeyFallback(prisma, accountId, provider, fallback!))) {
    return "no key";
  }
  await audit(prisma, request, {
    action: "own_provider_key_saved",
    actorId: userId,
    subject: provider,
    details: { replacedKey: apiKey !== undefined, fallback: fallback ?? null },
  });
  return "saved";
}

/** Removes the key for a provider (audited); false when there was none. */
export async function removeOwnKey(
  { prisma, request, accountId, userId }: OwnKeyActor,
  provider: string,
) {
  if (!(await deleteOwnProviderKey(prisma, accountId, provider))) return false;
  await audit(prisma, request, {
    action: "own_provider_key_removed",
    actorId: userId,
    subject: provider,
  });
  return true;
}
