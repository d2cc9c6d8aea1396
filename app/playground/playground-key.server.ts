import type { Prisma } from "../db/prisma.server.ts";
import type { TransactionClient } from "../generated/prisma/internal/prismaNamespace.ts";
import type { SecretBox } from "../security/secret-box.server.ts";
import { generateApiKey } from "../accounts/api-keys/api-key-secret.server.ts";
import type { AccountScope } from "../accounts/account-scope.server.ts";

// The playground is a client of the gateway (ADR 070): it calls the gateway with an API key of
// its own per person and account, named "Playground", so its requests are authenticated, held,
// billed and logged like any other (the usage pages show the key's name). Its secret is sealed
// in the key's row instead of being shown once: the dashboard needs it again for every message.

export const PLAYGROUND_KEY_NAME = "Playground";

/** The secret of the person's playground key in the account in use; made on first use. */
export async function playgroundSecret(prisma: Prisma, box: SecretBox, scope: AccountScope) {
  const existing = await findKey(prisma, scope);
  const opened = existing && openSecret(box, existing.playgroundSecret);
  if (opened) return opened;
  return prisma.$transaction(async (tx) => {
    // One key per person and account, however many tabs ask at once.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`playground:${scope.accountId}:${scope.userId}`}))`;
    const current = await findKey(tx, scope);
    const reopened = current && openSecret(box, current.playgroundSecret);
    if (reopened) return reopened;
    const key = generateApiKey();
    const columns = {
      prefix: key.prefix,
      secretHash: key.hash,
      playgroundSecret: box.seal(key.secret),
    };
    // A secret sealed with a key no longer configured is replaced by a new one.
    if (current) await tx.apiKey.update({ where: { id: current.id }, data: columns });
    else
      await tx.apiKey.create({
        data: {
          userId: scope.accountId,
          createdById: scope.userId,
          name: PLAYGROUND_KEY_NAME,
          ...columns,
        },
      });
    return key.secret;
  });
}

function findKey(prisma: Prisma | TransactionClient, scope: AccountScope) {
  return prisma.apiKey.findFirst({
    where: {
      userId: scope.accountId,
      createdById: scope.userId,
      playgroundSecret: { not: null },
      deletedAt: null,
    },
    select: { id: true, playgroundSecret: true },
  });
}

function openSecret(box: SecretBox, sealed: string | null) {
  if (!sealed) return undefined;
  try {
    return box.open(sealed);
  } catch {
    return undefined;
  }
}
