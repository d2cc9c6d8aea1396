// Small builders for rows the tests need. Every value can be overridden; the
// defaults are unique per call so tests in one database never collide.
import { randomBytes } from "node:crypto";
import bcrypt from "bcryptjs";
import type { Prisma } from "../../app/db/prisma.server.ts";
import { generateApiKey } from "../../app/accounts/api-keys/api-key-secret.server.ts";
import { creditsToMicro, usdToMicro } from "../../app/utils/money.ts";

export const TEST_PASSWORD = "correct horse battery staple";

const unique = () => randomBytes(4).toString("hex");

/** A user; `credits` arrive as a recorded top-up, so balance = top-ups - charges holds. */
export async function createUser(
  prisma: Prisma,
  overrides: { email?: string; credits?: number; role?: "USER" | "ADMIN"; password?: string } = {},
) {
  const balance = creditsToMicro(overrides.credits ?? 0);
  const user = await prisma.user.create({
    data: {
      email: overrides.email ?? `user-${unique()}@example.test`,
      // Cost 4: the minimum bcrypt allows, to keep tests fast.
      passwordHash: await bcrypt.hash(overrides.password ?? TEST_PASSWORD, 4),
      role: overrides.role ?? "USER",
      balance,
      credits:
        balance > 0n
          ? { create: { amount: balance, source: "ONRAMP", idempotencyKey: unique() } }
          : undefined,
    },
  });
  return { ...user, email: user.email! };
}

/**
 * A team (an account of kind TEAM) whose owner and `members` more people are
 * members; `credits` arrive as a recorded top-up, as for createUser.
 */
export async function createTeamAccount(
  prisma: Prisma,
  overrides: { credits?: number; members?: number; name?: string } = {},
) {
  const people = await Promise.all(
    Array.from({ length: 1 + (overrides.members ?? 0) }, () => createUser(prisma)),
  );
  const balance = creditsToMicro(overrides.credits ?? 0);
  const account = await prisma.user.create({
    data: {
      kind: "TEAM",
      balance,
      team: {
        create: {
          name: overrides.name ?? `team-${unique()}`,
          members: {
            create: people.map((person, i) => ({
              userId: person.id,
              role: i === 0 ? ("OWNER" as const) : ("MEMBER" as const),
            })),
          },
        },
      },
      credits:
        balance > 0n
          ? { create: { amount: balance, source: "ONRAMP", idempotencyKey: unique() } }
          : undefined,
    },
  });
  return { teamId: account.id, owner: people[0]!, members: people.slice(1) };
}

export async function createApiKey(
  prisma: Prisma,
  userId: string,
  overrides: {
    name?: string;
    creditLimitCredits?: number;
    enabled?: boolean;
    /** The team member who made it (default: the account's owner, userId). */
    createdById?: string;
  } = {},
) {
  const key = generateApiKey();
  const apiKey = await prisma.apiKey.create({
    data: {
      userId,
      createdById: overrides.createdById ?? userId,
      name: overrides.name ?? `key-${unique()}`,
      prefix: key.prefix,
      secretHash: key.hash,
      enabled: overrides.enabled ?? true,
      creditLimit:
        overrides.creditLimitCredits === undefined
          ? null
          : creditsToMicro(overrides.creditLimitCredits),
    },
  });
  return { apiKey, secret: key.secret };
}

/** A model served by one provider, with prices in US dollars per 1M tokens. */
export async function createCatalogEntry(
  prisma: Prisma,
  overrides: {
    modelSlug?: string;
    providerSlug?: string;
    upstreamModel?: string;
    usd?: { input: string; cachedInput: string; output: string };
    priority?: number;
    /** 0: a media model, which answers no tokens (ADR 072). */
    maxOutputTokens?: number;
  } = {},
) {
  const providerSlug = overrides.providerSlug ?? "openai";
  const modelSlug = overrides.modelSlug ?? `test-model-${unique()}`;
  const usd = overrides.usd ?? { input: "1.00", cachedInput: "0.10", output: "4.00" };
  const company = await prisma.company.upsert({
    where: { slug: providerSlug },
    create: { slug: providerSlug, name: providerSlug },
    update: {},
  });
  const provider = await prisma.provider.upsert({
    where: { slug: providerSlug },
    create: { slug: providerSlug, name: providerSlug },
    update: {},
  });
  const model = await prisma.model.upsert({
    where: { slug: modelSlug },
    create: {
      slug: modelSlug,
      name: modelSlug,
      companyId: company.id,
      contextLength: 128_000,
      maxOutputTokens: overrides.maxOutputTokens ?? 16_384,
    },
    update: {},
  });
  const mapping = await prisma.modelProviderMapping.create({
    data: {
      modelId: model.id,
      providerId: provider.id,
      upstreamModel: overrides.upstreamModel ?? modelSlug,
      inputPrice: usdToMicro(usd.input),
      cachedInputPrice: usdToMicro(usd.cachedInput),
      outputPrice: usdToMicro(usd.output),
      priority: overrides.priority ?? 0,
    },
  });
  return { model, provider, mapping };
}
