// What the media endpoints' tests share (ADR 072-076): a person with credits, an API key and
// the official openai client pointed at the gateway; their balance and usage rows.
import OpenAI from "openai";
import type { Prisma } from "../../app/db/prisma.server.ts";
import { createApiKey, createUser } from "./factories.ts";

/** A person with `credits`, a key, and the openai client on `${baseUrl}/v1` (no retries). */
export async function sdkCustomer(prisma: Prisma, baseUrl: string, credits = 100) {
  const user = await createUser(prisma, { credits });
  const { apiKey, secret } = await createApiKey(prisma, user.id);
  const client = new OpenAI({ apiKey: secret, baseURL: `${baseUrl}/v1`, maxRetries: 0 });
  return { user, apiKey, secret, client };
}

/** A person's balance, and a key's usage rows in the order they were written. */
export function accountReads(prisma: Prisma) {
  return {
    balanceOf: async (userId: string) =>
      (await prisma.user.findUniqueOrThrow({ where: { id: userId } })).balance,
    rowsOf: (apiKeyId: string) =>
      prisma.conversation.findMany({ where: { apiKeyId }, orderBy: { id: "asc" } }),
  };
}
