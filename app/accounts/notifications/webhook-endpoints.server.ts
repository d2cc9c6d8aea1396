import { randomBytes } from "node:crypto";
import { z } from "zod";
import type { Prisma } from "../../db/prisma.server.ts";
import type { SecretBox } from "../../security/secret-box.server.ts";
import { emitEvent, EVENT_TYPES } from "./events.server.ts";

// An account's webhook endpoints (ADR 068): where its events go. The signing
// secret is shown once, at creation, and kept sealed with ENCRYPTION_KEY.

/** At most this many endpoints per account. */
export const MAX_ENDPOINTS = 10;

export const WebhookEndpointSchema = z.object({
  url: z
    .string({ error: "is required" })
    .max(2_000, "must be at most 2000 characters")
    .refine((value) => /^https?:\/\/[^\s/]+/i.test(value) && URL.canParse(value), {
      message: "must be an http:// or https:// URL",
    }),
  events: z
    .array(z.enum(EVENT_TYPES, { error: `must be event types: ${EVENT_TYPES.join(", ")}` }))
    .max(EVENT_TYPES.length)
    .optional(),
});
export type WebhookEndpointInput = z.infer<typeof WebhookEndpointSchema>;

export class TooManyEndpointsError extends Error {
  constructor() {
    super(`An account has at most ${MAX_ENDPOINTS} webhook endpoints: delete one first`);
  }
}

export async function createEndpoint(
  prisma: Prisma,
  box: SecretBox,
  accountId: string,
  input: WebhookEndpointInput,
) {
  if ((await prisma.webhookEndpoint.count({ where: { accountId } })) >= MAX_ENDPOINTS)
    throw new TooManyEndpointsError();
  const secret = `whsec_${randomBytes(24).toString("base64url")}`;
  const endpoint = await prisma.webhookEndpoint.create({
    data: {
      accountId,
      url: input.url,
      secret: box.seal(secret),
      prefix: secret.slice(0, 12),
      events: input.events ?? [],
    },
    select: ENDPOINT_FIELDS,
  });
  return { endpoint, secret };
}

const ENDPOINT_FIELDS = {
  id: true,
  url: true,
  prefix: true,
  events: true,
  enabled: true,
  createdAt: true,
} as const;

/** The account's endpoints, each with its last `deliveries` attempts, newest first. */
export function listEndpoints(prisma: Prisma, accountId: string, deliveries = 10) {
  return prisma.webhookEndpoint.findMany({
    where: { accountId },
    orderBy: { createdAt: "asc" },
    select: {
      ...ENDPOINT_FIELDS,
      deliveries: {
        orderBy: { createdAt: "desc" },
        take: deliveries,
        select: {
          id: true,
          event: true,
          status: true,
          attempts: true,
          lastStatus: true,
          lastError: true,
          createdAt: true,
          deliveredAt: true,
        },
      },
    },
  });
}

/** Deletes an endpoint of the account (its delivery log with it); false when there is none. */
export async function deleteEndpoint(prisma: Prisma, accountId: string, id: string) {
  const { count } = await prisma.webhookEndpoint.deleteMany({ where: { id, accountId } });
  return count === 1;
}

/** Queues a `ping` event to one endpoint of the account; false when there is none. */
export async function sendTestEvent(prisma: Prisma, accountId: string, id: string) {
  const queued = await emitEvent(prisma, {
    accountId,
    type: "ping",
    data: { message: "A test event from the gateway." },
    only: id,
  });
  return queued === 1;
}
