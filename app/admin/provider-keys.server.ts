import type { Prisma } from "../db/prisma.server.ts";
import { keyPrefix } from "../providers/env-providers.server.ts";
import { GatewayError } from "../http/gateway-error.ts";
import type { SecretBox } from "../security/secret-box.server.ts";
import { recordAdminChange as record, type Admin } from "./admin-change.server.ts";
import { KEY_FIELDS, providerBySlug } from "./providers.server.ts";

// A provider's upstream keys, as admins add, switch and remove them; sealed
// before they are stored, shown by their prefix only.

/** One more upstream key, sealed; the answer shows its prefix only. */
export async function addProviderKey(
  prisma: Prisma,
  box: SecretBox,
  slug: string,
  key: string,
  admin: Admin,
) {
  const provider = await providerBySlug(prisma, slug);
  const added = await prisma.providerKey.create({
    data: { providerId: provider.id, secret: box.seal(key), prefix: keyPrefix(key) },
    select: KEY_FIELDS,
  });
  await record(prisma, admin, "provider_key_added", slug, {
    keyId: added.id,
    prefix: added.prefix,
  });
  return added;
}

async function keyOf(prisma: Prisma, slug: string, keyId: number) {
  const provider = await providerBySlug(prisma, slug);
  if (!provider.keys.some((key) => key.id === keyId))
    throw new GatewayError(404, `No key ${keyId} for provider '${slug}'`, {
      type: "not_found_error",
      code: "provider_key_not_found",
    });
}

/** Enabling a key the provider refused gives it another chance. */
export async function setProviderKeyEnabled(
  prisma: Prisma,
  slug: string,
  keyId: number,
  enabled: boolean,
  admin: Admin,
) {
  await keyOf(prisma, slug, keyId);
  const changed = await prisma.providerKey.update({
    where: { id: keyId },
    data: enabled ? { enabled: true, invalidAt: null, coolingUntil: null } : { enabled: false },
    select: KEY_FIELDS,
  });
  await record(prisma, admin, enabled ? "provider_key_enabled" : "provider_key_disabled", slug, {
    keyId,
  });
  return changed;
}

export async function deleteProviderKey(prisma: Prisma, slug: string, keyId: number, admin: Admin) {
  await keyOf(prisma, slug, keyId);
  await prisma.providerKey.delete({ where: { id: keyId } });
  await record(prisma, admin, "provider_key_deleted", slug, { keyId });
}
